using System;
using Cronos;

namespace Carillon.Analyzers.Timing
{
    /// <summary>The shortest interval between two occurrences of a cron, for CRL010.</summary>
    internal static class CronCadence
    {
        // A fixed start (a leap year) so the verdict does not depend on the build's date; two years cover every
        // day-of-month and month pattern; the occurrence cap bounds dense crons, whose pattern repeats within a day.
        private static readonly DateTime s_from = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        private static readonly DateTime s_until = s_from.AddYears(2);
        private const int MaxOccurrences = 5000;

        public static TimeSpan? ShortestGap(CronExpression cron)
        {
            TimeSpan? shortest = null;
            var previous = cron.GetNextOccurrence(s_from, inclusive: true);
            for (var i = 0; previous is { } p && p < s_until && i < MaxOccurrences; i++)
            {
                var next = cron.GetNextOccurrence(p);
                if (next is not { } n)
                {
                    break;
                }

                var gap = n - p;
                if (shortest is null || gap < shortest)
                {
                    shortest = gap;
                    if (gap <= TimeSpan.FromSeconds(1))
                    {
                        break;
                    }
                }

                previous = n;
            }

            return shortest;
        }

        /// <summary>"10 s", "5 min", "1 h 30 min", "2 d": the interval as the messages name it.</summary>
        public static string Describe(TimeSpan interval)
        {
            var parts = new System.Collections.Generic.List<string>();
            if (interval.Days > 0)
            {
                parts.Add(interval.Days + " d");
            }

            if (interval.Hours > 0)
            {
                parts.Add(interval.Hours + " h");
            }

            if (interval.Minutes > 0)
            {
                parts.Add(interval.Minutes + " min");
            }

            if (interval.Seconds > 0 || parts.Count == 0)
            {
                parts.Add(interval.Seconds + " s");
            }

            return string.Join(" ", parts);
        }
    }
}
