using Carillon.Recurring.Scheduling;

namespace Carillon.Monitoring;

/// <summary>
/// A task's next occurrence and its missed ones, computed with the engine's own cron rule (<see cref="CronSchedule"/>,
/// the same parser and DST handling), so that what the monitor shows is what the owner will do (issue 10).
/// </summary>
internal static class OccurrenceForecast
{
    /// <summary>
    /// How long after an occurrence its claim may take to appear before the occurrence counts as missed: the owner
    /// claims it at the occurrence (its claim lead is 200 ms by default) and the write is one transaction.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>Counting stops here: a per-second task down for a week reports "at least this many".</summary>
    public const int MaxCounted = 10_000;

    /// <summary>The schedule of a definition, or null when its expression or time zone does not parse here.</summary>
    public static CronSchedule? TryParse(string? cron, string? timeZone)
    {
        if (string.IsNullOrEmpty(cron))
        {
            return null;
        }

        try
        {
            return CronSchedule.Parse(cron, timeZone ?? "UTC");
        }
        catch (Exception e) when (CronSchedule.IsParseError(e))
        {
            return null;
        }
    }

    /// <summary>
    /// The first occurrence after <paramref name="last"/> (the latest one recorded), or after <paramref name="now"/>
    /// when none was: in the past when the task is overdue.
    /// </summary>
    public static DateTimeOffset? Next(CronSchedule schedule, DateTimeOffset? last, DateTimeOffset now) => schedule.Next(last ?? now);

    /// <summary>
    /// The occurrences in (<paramref name="since"/>, <paramref name="now"/> − <see cref="Grace"/>] that have no record:
    /// <paramref name="since"/> is the latest recorded occurrence (or, when none is, the owner's takeover). 0 when
    /// disabled or when there is no baseline.
    /// </summary>
    public static int Missed(CronSchedule schedule, DateTimeOffset? since, bool enabled, DateTimeOffset now)
    {
        if (!enabled || since is not { } from)
        {
            return 0;
        }

        var upTo = now - Grace;
        var count = 0;
        for (var next = schedule.Next(from); next is { } n && n <= upTo && count < MaxCounted; next = schedule.Next(n))
        {
            count++;
        }

        return count;
    }
}
