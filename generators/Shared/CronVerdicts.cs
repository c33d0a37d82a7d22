using System.Collections.Concurrent;

namespace Carillon.CompileTime
{
    /// <summary>
    /// <see cref="CronRules.Check"/> remembered per expression for the generator and the analyzers (issue 14): a project
    /// repeats a handful of crons over hundreds of tasks, and each check parses with Cronos and searches for the first
    /// occurrence. Bounded, since an IDE host keeps the analyzers loaded while crons are typed character by character.
    /// </summary>
    internal static class CronVerdicts
    {
        private const int MaxEntries = 1024;

        private static readonly ConcurrentDictionary<string, (CronVerdict Verdict, string Error)> s_known = new(System.StringComparer.Ordinal);

        /// <summary>The same verdict and message as <see cref="CronRules.Check"/>.</summary>
        public static CronVerdict Check(string? expression, out string error)
        {
            if (expression is null)
            {
                return CronRules.Check(expression, out error);
            }

            if (s_known.TryGetValue(expression, out var known))
            {
                error = known.Error;
                return known.Verdict;
            }

            var verdict = CronRules.Check(expression, out error);
            if (s_known.Count < MaxEntries)
            {
                s_known.TryAdd(expression, (verdict, error));
            }

            return verdict;
        }
    }
}
