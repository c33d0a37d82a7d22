using Cronos;

namespace Carillon.CompileTime
{
    /// <summary>Names the field of a 5- or 6-field expression that Cronos rejects, with what that field accepts (issue 12).</summary>
    internal static class CronFields
    {
        private static readonly string[] s_five = { "minute", "hour", "day-of-month", "month", "day-of-week" };
        private static readonly string[] s_six = { "second", "minute", "hour", "day-of-month", "month", "day-of-week" };

        public static string[] Names(int count) => count == 6 ? s_six : s_five;

        /// <summary>
        /// "the minute field '61' is wrong (minute is 0–59): …Cronos's explanation", found by parsing each field alone
        /// with every other field '*'; Cronos's explanation alone when no single field is at fault (or for a macro).
        /// </summary>
        public static string Explain(string expression, string cronosMessage)
        {
            var fields = CronRules.Fields(expression);
            if (fields.Length != 5 && fields.Length != 6)
            {
                return cronosMessage;
            }

            var names = Names(fields.Length);
            var format = fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
            for (var i = 0; i < fields.Length; i++)
            {
                var probe = new string[fields.Length];
                for (var j = 0; j < probe.Length; j++)
                {
                    probe[j] = j == i ? fields[j] : "*";
                }

                try
                {
                    CronExpression.Parse(string.Join(" ", probe), format);
                }
                catch (CronFormatException)
                {
                    return "the " + names[i] + " field '" + CronRules.Printable(fields[i]) + "' is wrong (" + Accepts(names[i]) + "): " + cronosMessage;
                }
            }

            return cronosMessage;
        }

        private static string Accepts(string name) => name switch
        {
            "second" => "seconds are 0-59",
            "minute" => "minutes are 0-59",
            "hour" => "hours are 0-23",
            "day-of-month" => "days of the month are 1-31, L or W",
            "month" => "months are 1-12 or JAN-DEC",
            _ => "days of the week are 0-6 from Sunday (7 is Sunday too) or SUN-SAT, with L or #",
        };
    }
}
