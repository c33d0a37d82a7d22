using Cronos;

namespace Carillon.CompileTime
{
    /// <summary>
    /// Cron validation with Cronos itself, the parser the runtime schedules with, so the build accepts exactly what
    /// the runtime can run.
    /// </summary>
    internal static class CronRules
    {
        /// <summary>The field count picks the format: 6 fields means seconds first; macros parse in either format.</summary>
        public static CronFormat FormatOf(string expression)
            => CountFields(expression) == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;

        public static bool TryValidate(string? expression, out string error)
        {
            if (expression is null)
            {
                error = "the expression is null";
                return false;
            }

            try
            {
                CronExpression.Parse(expression, FormatOf(expression));
                error = string.Empty;
                return true;
            }
            catch (CronFormatException e)
            {
                // Cronos's own message says which field is wrong and why; the user sees it verbatim.
                error = e.Message;
                return false;
            }
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
