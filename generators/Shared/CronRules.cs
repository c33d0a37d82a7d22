using System;
using Cronos;

namespace Carillon.CompileTime
{
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
        /// Accepts what Cronos parses and can fire. On failure <paramref name="error"/> completes the sentence
        /// "Cron expression '…' " ("is invalid: …" or "never fires: …"), which is how CRL001 words it.
        /// </summary>
        public static bool TryValidate(string? expression, out string error)
        {
            if (expression is null)
            {
                error = "is invalid: the expression is null";
                return false;
            }

            CronExpression parsed;
            try
            {
                parsed = CronExpression.Parse(expression, FormatOf(expression));
            }
            catch (CronFormatException e)
            {
                // Cronos's own message says which field is wrong and why; the user sees it verbatim.
                error = "is invalid: " + e.Message;
                return false;
            }

            // Cronos parses day/month combinations that do not exist (30 February, 31 April): the runtime would
            // register a task that silently never runs. Cronos returns null only when no date up to its last
            // supported year matches, centuries more than the 400-year cycle after which the Gregorian calendar
            // repeats, so null means never. UTC, because whether a date exists does not depend on the time zone
            // (Cronos moves an occurrence that falls into a DST gap rather than dropping it).
            if (parsed.GetNextOccurrence(SearchFrom, inclusive: true) is null)
            {
                error = "never fires: no date matches its day-of-month, month and day-of-week fields together (for example 30 February or 31 April)";
                return false;
            }

            error = string.Empty;
            return true;
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
