using System;
using System.Globalization;

namespace Carillon.CompileTime
{
    /// <summary>A cron written in another scheduler's dialect: what it means there, and the Cronos spelling when one is unambiguous.</summary>
    internal sealed class ForeignCron
    {
        public ForeignCron(string explanation, string? replacement)
        {
            Explanation = explanation;
            Replacement = replacement;
        }

        /// <summary>Completes "Cron expression '…' is invalid: ".</summary>
        public string Explanation { get; }

        /// <summary>The equivalent Cronos expression, or null when there is no single right rewrite.</summary>
        public string? Replacement { get; }
    }

    /// <summary>
    /// Recognises the dialects people paste from other schedulers (issue 12): Go/robfig <c>@every 10m</c>, Vixie
    /// <c>@reboot</c>, a Quartz/Spring year field, Quartz day-of-week numbering (1 = Sunday) and Jenkins' <c>H</c>.
    /// Cronos would reject most with "invalid character" or, worse, accept a Quartz day-of-week as another day.
    /// </summary>
    internal static class CronDialects
    {
        public static ForeignCron? Recognize(string expression)
        {
            var trimmed = expression.Trim();
            if (trimmed.StartsWith("@", StringComparison.Ordinal))
            {
                return Macro(trimmed);
            }

            var fields = CronRules.Fields(trimmed);
            if (fields.Length == 7)
            {
                // Quartz and Spring: seconds minutes hours day-of-month month day-of-week year.
                var year = fields[6];
                var withoutYear = string.Join(" ", fields, 0, 6);
                return new ForeignCron(
                    "7 fields: the last one, '" + CronRules.Printable(year) + "', is a Quartz/Spring year field, which Carillon does not support; drop it and keep 6 fields (seconds first)",
                    year is "*" or "?" ? withoutYear : null);
            }

            if (fields.Length is 5 or 6)
            {
                var names = CronFields.Names(fields.Length);
                for (var i = 0; i < fields.Length; i++)
                {
                    if (IsJenkinsHash(fields[i]))
                    {
                        return new ForeignCron(
                            "the " + names[i] + " field '" + CronRules.Printable(fields[i]) + "' is a Jenkins-style hashed value ('H'), which Carillon does not support (every instance must compute the same times): choose a fixed value",
                            null);
                    }
                }

                var dayOfMonth = fields[fields.Length - 3];
                var dayOfWeek = fields[fields.Length - 1];
                if ((dayOfMonth == "?" || dayOfWeek == "?") && HasDigit(dayOfWeek))
                {
                    // '?' is Quartz's mark; Quartz counts days of the week 1 (Sunday) to 7 (Saturday), Cronos 0 (Sunday)
                    // to 6 (7 is Sunday too): the same digits would run one day later, silently.
                    return new ForeignCron(
                        "the day-of-week field '" + CronRules.Printable(dayOfWeek) + "' next to '?' reads like Quartz numbering (1 = Sunday … 7 = Saturday), but Carillon counts 0 = Sunday … 6 = Saturday (7 is Sunday too), so it would run on another day: write the days by name (SUN, MON, … SAT)",
                        null);
                }
            }

            return null;
        }

        private static ForeignCron? Macro(string trimmed)
        {
            if (trimmed.Equals("@reboot", StringComparison.OrdinalIgnoreCase))
            {
                return new ForeignCron(
                    "'@reboot' (run once when the machine starts) is not a schedule Carillon can run: there is no startup trigger; do the work in an IHostedService, or trigger the task manually",
                    null);
            }

            if (!trimmed.StartsWith("@every ", StringComparison.OrdinalIgnoreCase) && !trimmed.StartsWith("@every\t", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var interval = trimmed.Substring("@every".Length).Trim();
            var replacement = EveryAsCron(interval);
            return new ForeignCron(
                "'@every " + CronRules.Printable(interval) + "' is a Go-style interval (robfig/cron), not a cron expression; "
                + (replacement is not null
                    ? "write '" + replacement + "'"
                    : "cron fires on clock boundaries, so only intervals that divide a minute, an hour or a day have an exact equivalent (for example '*/10 * * * *' for every 10 minutes)"),
                replacement);
        }

        /// <summary>The cron that fires at the same instants, when the interval divides its unit evenly; otherwise null.</summary>
        internal static string? EveryAsCron(string interval)
        {
            if (interval.Length < 2)
            {
                return null;
            }

            var unit = char.ToLowerInvariant(interval[interval.Length - 1]);
            if (!int.TryParse(interval.Substring(0, interval.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
            {
                return null;
            }

            switch (unit)
            {
                case 's' when n == 60:
                case 'm' when n == 1:
                    return "* * * * *";
                case 's' when 60 % n == 0:
                    return n == 1 ? "* * * * * *" : "*/" + n + " * * * * *";
                case 'm' when n == 60:
                case 'h' when n == 1:
                    return "0 * * * *";
                case 'm' when 60 % n == 0:
                    return "*/" + n + " * * * *";
                case 'h' when n == 24:
                    return "0 0 * * *";
                case 'h' when 24 % n == 0:
                    return "0 */" + n + " * * *";
                default:
                    return null;
            }
        }

        private static bool IsJenkinsHash(string field)
            => field == "H" || field.StartsWith("H(", StringComparison.Ordinal) || field.StartsWith("H/", StringComparison.Ordinal);

        private static bool HasDigit(string field)
        {
            foreach (var c in field)
            {
                if (c >= '0' && c <= '9')
                {
                    return true;
                }
            }

            return false;
        }
    }
}
