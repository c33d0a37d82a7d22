using System;
using Cronos;

namespace Carillon.CompileTime
{
    /// <summary>What the build makes of a cron expression.</summary>
    internal enum CronVerdict
    {
        Valid,
        Invalid,
        NeverFires,
    }

    /// <summary>
    /// Cron validation with Cronos itself, the parser the runtime schedules with, so the build accepts exactly what
    /// the runtime can run.
    /// </summary>
    internal static class CronRules
    {
        /// <summary>
        /// Where the "does it ever fire" search starts: a fixed instant, so the build's verdict never depends on the
        /// day it runs. 2000 is a leap year, so a 29 February expression finds its first occurrence right away.
        /// </summary>
        private static readonly DateTime SearchFrom = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>The field count picks the format: 6 fields means seconds first; macros parse in either format.</summary>
        public static CronFormat FormatOf(string expression)
            => CountFields(expression) == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;

        /// <summary>
        /// Parses an expression exactly as the build validated it: the one parse the analyzers, the generator and the
        /// runtime share (issue 9: the runtime once counted fields on spaces only, so a tab-separated six-field cron
        /// passed the build and never ran). Surrounding whitespace is ignored; any whitespace separates fields.
        /// Throws <see cref="CronFormatException"/> with the wording CRL001 uses.
        /// </summary>
        public static CronExpression Parse(string expression)
        {
            var trimmed = expression.Trim();
            var fields = CountFields(trimmed);
            if (!trimmed.StartsWith("@", StringComparison.Ordinal) && fields != 5 && fields != 6)
            {
                // Cronos's own message for a wrong count names the character it stumbled on (a NUL for too few fields).
                throw new CronFormatException(
                    "expected 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; got " + fields);
            }

            try
            {
                return CronExpression.Parse(trimmed, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            }
            catch (MissingSeedException)
            {
                // Cronos reads Jenkins' H as a seeded random value: the build and every instance would pick different
                // times. Not a format error to Cronos, so it escaped the build's check and crashed the generator.
                throw new CronFormatException("'H' (a Jenkins-style hashed value) is not supported: choose a fixed value");
            }
        }

        /// <summary>
        /// Accepts what <see cref="Parse"/> parses and can fire. On failure <paramref name="error"/> completes the
        /// sentence "Cron expression '…' " ("is invalid: …" or "never fires: …").
        /// </summary>
        public static bool TryValidate(string? expression, out string error) => Check(expression, out error) == CronVerdict.Valid;

        /// <summary>
        /// The build's verdict on an expression: CRL001 for <see cref="CronVerdict.Invalid"/>, CRL009 for
        /// <see cref="CronVerdict.NeverFires"/> (issue 12: its own ID, so it can be told apart and suppressed separately).
        /// <paramref name="error"/> completes the sentence "Cron expression '…' ".
        /// </summary>
        public static CronVerdict Check(string? expression, out string error)
        {
            if (expression is null)
            {
                error = "is invalid: the expression is null";
                return CronVerdict.Invalid;
            }

            // Foreign dialects first: Cronos's own message for them ("invalid character") would not say what was meant.
            if (CronDialects.Recognize(expression) is { } foreign)
            {
                error = "is invalid: " + foreign.Explanation;
                return CronVerdict.Invalid;
            }

            CronExpression parsed;
            try
            {
                parsed = Parse(expression);
            }
            catch (CronFormatException e)
            {
                // Name the field that is wrong and what it accepts, then Cronos's own explanation; control characters
                // are escaped so that a build log stays text.
                error = "is invalid: " + CronFields.Explain(expression, Printable(e.Message));
                return CronVerdict.Invalid;
            }

            // Cronos parses day/month combinations that do not exist (30 February, 31 April): the runtime would
            // register a task that silently never runs. Cronos returns null only when no date up to its last
            // supported year matches, centuries more than the 400-year cycle after which the Gregorian calendar
            // repeats, so null means never. UTC, because whether a date exists does not depend on the time zone
            // (Cronos moves an occurrence that falls into a DST gap rather than dropping it).
            if (parsed.GetNextOccurrence(SearchFrom, inclusive: true) is null)
            {
                error = "never fires: no date matches its day-of-month, month and day-of-week fields together (for example 30 February or 31 April)";
                return CronVerdict.NeverFires;
            }

            error = string.Empty;
            return CronVerdict.Valid;
        }

        /// <summary>The expression's fields (any whitespace separates them).</summary>
        internal static string[] Fields(string expression)
            => expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

        internal static string Printable(string message)
        {
            var builder = new System.Text.StringBuilder(message.Length);
            foreach (var c in message)
            {
                if (char.IsControl(c))
                {
                    builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }
            }

            return builder.ToString();
        }

        private static int CountFields(string expression)
        {
            var count = 0;
            var inField = false;
            foreach (var c in expression)
            {
                if (char.IsWhiteSpace(c))
                {
                    inField = false;
                }
                else if (!inField)
                {
                    inField = true;
                    count++;
                }
            }

            return count;
        }
    }
}
