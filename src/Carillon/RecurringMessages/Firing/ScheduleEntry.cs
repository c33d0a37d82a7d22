using Carillon.Recurring.Scheduling;
using Carillon.RecurringMessages.Definitions;

namespace Carillon.RecurringMessages.Firing;

/// <summary>One schedule as its partition's records left it: the definition and the state the owners recorded.</summary>
internal sealed class ScheduleEntry(string name, DefinitionRecord definition, CronSchedule cron, DateTimeOffset anchor)
{
    private static readonly IReadOnlyDictionary<long, DateTimeOffset> s_noTriggers = new Dictionary<long, DateTimeOffset>();

    public string Name { get; } = name;

    public DefinitionRecord Definition { get; set; } = definition;

    public CronSchedule Cron { get; set; } = cron;

    public bool Enabled { get; set; } = definition.Enabled;

    /// <summary>Occurrences at or before this never fire: the time the current cron series was defined.</summary>
    public DateTimeOffset Anchor { get; set; } = anchor;

    /// <summary>The latest claimed occurrence (from claim records): it and everything before it were produced.</summary>
    public DateTimeOffset? LastClaimed { get; set; }

    /// <summary>Occurrences missed and skipped by <see cref="MisfirePolicy.Skip"/> (in memory: a new owner skips them again).</summary>
    public DateTimeOffset SkippedUpTo { get; set; } = DateTimeOffset.MinValue;

    // Created on the first trigger: most schedules are never triggered, and an empty sorted dictionary costs
    // ~120 B per held schedule (docs/benchmarks-recurring-messages.md).
    private SortedDictionary<long, DateTimeOffset>? _triggers;

    /// <summary>Whether trigger commands wait to be claimed.</summary>
    public bool HasTriggers => _triggers is { Count: > 0 };

    /// <summary>Trigger commands not yet claimed, by offset.</summary>
    public IReadOnlyDictionary<long, DateTimeOffset> Triggers => _triggers ?? s_noTriggers;

    /// <summary>Bumped on every change: queued due times of older versions are stale.</summary>
    public long Version { get; set; }

    public bool Removed { get; set; }

    public DateTimeOffset? StartAt => Definition.StartAt is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    public DateTimeOffset? EndAt => Definition.EndAt is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    public void AddTrigger(long offset, DateTimeOffset at) => (_triggers ??= [])[offset] = at;

    /// <summary>Removes a pending trigger; false when it was not pending.</summary>
    public bool RemoveTrigger(long offset) => _triggers?.Remove(offset) == true;

    /// <summary>The exclusive lower bound of the occurrences still to fire.</summary>
    public DateTimeOffset From
    {
        get
        {
            var from = Anchor;
            if (LastClaimed is { } last && last > from)
            {
                from = last;
            }

            if (SkippedUpTo > from)
            {
                from = SkippedUpTo;
            }

            if (StartAt is { } start && start.AddTicks(-1) > from)
            {
                from = start.AddTicks(-1);
            }

            return from;
        }
    }

    /// <summary>The next occurrence after <see cref="From"/> within the end date, whether or not already past.</summary>
    public DateTimeOffset? NextOccurrence() => NextAfter(From);

    /// <summary>
    /// The next occurrence as a reader states it (the API's <c>RecurringMessage.NextOccurrence</c>, the read model):
    /// the first still to fire and not before <paramref name="now"/>. An owner that was down fires the missed ones
    /// by the misfire policy, not at this time.
    /// </summary>
    public DateTimeOffset? NextOccurrenceSeenAt(DateTimeOffset now) => NextAfter(From > now ? From : now);

    private DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (!Enabled)
        {
            return null;
        }

        var next = Cron.Next(after);
        return next is { } n && (EndAt is not { } end || n <= end) ? n : null;
    }
}
