using Carillon.CompileTime;
using Cronos;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// A task's cron expression bound to its time zone. Cronos does the DST-aware arithmetic: a time skipped by a
/// spring-forward transition fires at the transition, and an ambiguous fall-back time fires once (unless the
/// expression is an interval, which keeps its cadence through both hours).
/// </summary>
internal sealed class CronSchedule
{
    private static readonly TimeSpan s_maxSearchWindow = TimeSpan.FromDays(4 * 366);
    private readonly CronExpression _expression;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>
    /// Parses a 5-field, 6-field (seconds first) or macro expression with the build's own rule
    /// (<see cref="CronRules.Parse"/>, compiled into the generator, the analyzers and this assembly from one source).
    /// </summary>
    public static CronSchedule Parse(string cron, string timeZone)
    {
        var zone = string.IsNullOrEmpty(timeZone) || timeZone == "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        return new CronSchedule(CronRules.Parse(cron), zone);
    }

    /// <summary>True for the exceptions <see cref="Parse"/> throws for an invalid expression or an unknown time zone.</summary>
    public static bool IsParseError(Exception e)
        => e is CronFormatException or TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException;

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if the expression never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _expression.GetNextOccurrence(after.ToUniversalTime(), Zone, inclusive: false);

    /// <summary>
    /// The latest occurrence in (<paramref name="after"/>, <paramref name="upTo"/>], or null. Searches backwards with a
    /// doubling window so that a long outage of a per-second task costs a few steps, not one per missed occurrence.
    /// </summary>
    public DateTimeOffset? Latest(DateTimeOffset after, DateTimeOffset upTo)
    {
        if (upTo <= after)
        {
            return null;
        }

        var window = TimeSpan.FromSeconds(1);
        while (true)
        {
            var start = upTo - window;
            if (start < after || window > s_maxSearchWindow)
            {
                start = after;
            }

            DateTimeOffset? latest = null;
            for (var next = Next(start); next is { } n && n <= upTo; next = Next(n))
            {
                latest = n;
            }

            if (latest is not null || start == after)
            {
                return latest;
            }

            window += window;
        }
    }
}
