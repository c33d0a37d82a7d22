using System;
using System.Collections.Concurrent;
using Carillon.CompileTime;
using Cronos;

namespace Carillon.Analyzers.Timing
{
    /// <summary>
    /// What the timing diagnostics (CRL010, CRL011) need about a (cron, time zone) pair, worked out once per process and
    /// per day: analyzers run on every keystroke and the same few crons appear on many methods (issue 12: keep the
    /// build fast; issue 14 measures it).
    /// </summary>
    internal sealed class ScheduleTimings
    {
        private const int MaxEntries = 4096;
        private static readonly ConcurrentDictionary<string, ScheduleTimings> s_cache = new ConcurrentDictionary<string, ScheduleTimings>(StringComparer.Ordinal);

        private readonly Lazy<TimeSpan?> _shortestGap;
        private readonly Lazy<DstExposure?> _dst;

        private ScheduleTimings(CronExpression cron, TimeZoneInfo? zone, DateTime todayUtc)
        {
            _shortestGap = new Lazy<TimeSpan?>(() => CronCadence.ShortestGap(cron));
            _dst = new Lazy<DstExposure?>(() => zone is null ? null : DstExposure.Find(cron, zone, todayUtc, DstExposure.Horizon));
        }

        /// <summary>The shortest time between two occurrences (in UTC), or null when it fires at most once in the window searched.</summary>
        public TimeSpan? ShortestGap => _shortestGap.Value;

        /// <summary>The next daylight-saving transitions that change when the task runs, or null.</summary>
        public DstExposure? Dst => _dst.Value;

        /// <summary>The timings of a valid cron in a known zone; null when either does not parse (other diagnostics say why).</summary>
        public static ScheduleTimings? For(string cron, string? timeZone)
        {
            var today = DateTime.UtcNow.Date;
            var key = cron + "\n" + (timeZone ?? string.Empty) + "\n" + today.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (s_cache.TryGetValue(key, out var known))
            {
                return known;
            }

            CronExpression parsed;
            TimeZoneInfo? zone = null;
            try
            {
                parsed = CronRules.Parse(cron);
                if (!string.IsNullOrEmpty(timeZone) && timeZone != "UTC")
                {
                    // The runtime's own lookup (CronSchedule.Parse); a zone with a fixed offset has nothing to warn about.
                    var found = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
                    zone = found.SupportsDaylightSavingTime || found.GetAdjustmentRules().Length > 0 ? found : null;
                }
            }
            catch (Exception e) when (e is CronFormatException or TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
            {
                return null;
            }

            if (s_cache.Count >= MaxEntries)
            {
                s_cache.Clear();
            }

            return s_cache.GetOrAdd(key, new ScheduleTimings(parsed, zone, today));
        }
    }
}
