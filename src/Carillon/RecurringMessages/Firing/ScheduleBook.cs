using Carillon.Recurring.Scheduling;
using Carillon.RecurringMessages.Definitions;

namespace Carillon.RecurringMessages.Firing;

/// <summary>
/// The schedules of one partition and their occurrence planning (issue 11), pure logic over the records in the
/// partition's order: definitions, removals, commands and claims are applied as read; <see cref="TakeDue"/> says what
/// to produce now, <see cref="Confirm"/> and <see cref="Retry"/> take the outcome of the transaction that produced it.
/// Due times sit in a min-heap with lazy invalidation, so a step costs O(log n) per due schedule, never a scan of all.
/// The owner (<see cref="Ownership.PartitionOwner"/>) and the readers of the API and CLI fold the same way.
/// <para>
/// Races are settled by the order in which the owner applies records: it applies everything it has read before it
/// takes what is due, so a removal, disable or update read by then wins over an occurrence that is due; an occurrence
/// committed before the owner read the change had been produced before that change took effect (docs/recurring-messages.md).
/// </para>
/// </summary>
internal sealed class ScheduleBook(TimeSpan misfireThreshold)
{
    // Bounds the on-time occurrences of one step (a 6-field per-second cron with a large threshold).
    private const int MaxOnTimePerStep = 1_000;
    private readonly Dictionary<string, ScheduleEntry> _entries = new(StringComparer.Ordinal);
    private readonly PriorityQueue<(ScheduleEntry Entry, long Version), DateTimeOffset> _due = new();

    // Schedules share their parsed cron and their repeated strings (cron, zone, target topic): 100,000 tenants'
    // "0 0 * * *" to one topic hold one copy, not 100,000 (memory goal of issue 11). The pools keep the distinct values
    // a partition ever held.
    private readonly Dictionary<(string Cron, string? Zone), CronSchedule> _crons = [];
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>
    /// Bumped by every record that changed a schedule (definition, removal, enable, disable, trigger, another owner's
    /// claim): a round built ahead of its due time is still what the book says while this has not moved (issue 11).
    /// </summary>
    public long Changes { get; private set; }

    public IEnumerable<ScheduleEntry> Entries => _entries.Values;

    /// <summary>Definitions that could not be scheduled (written by another client, or a zone this host lacks).</summary>
    public long Unschedulable { get; private set; }

    /// <summary>The earliest queued due time (possibly stale), or null when nothing is queued.</summary>
    public DateTimeOffset? NextDue => _due.TryPeek(out _, out var due) ? due : null;

    public bool TryGet(string name, out ScheduleEntry entry) => _entries.TryGetValue(name, out entry!);

    /// <summary>
    /// Drops the queued due times. Only an owner takes them (<see cref="TakeDue"/>); a reader that follows the topic
    /// for good and never fires (the read model, issue 10) calls this after each record so the queue does not grow.
    /// </summary>
    public void ForgetDueTimes() => _due.Clear();

    /// <summary>
    /// Applies a definition written at <paramref name="writtenAt"/>. A new cron series (a new schedule, or a changed
    /// cron, zone or start) starts after <paramref name="writtenAt"/>: an update never fires occurrences of the past.
    /// Returns false (and keeps what was there) for a definition this host cannot schedule.
    /// </summary>
    public bool Define(string name, DefinitionRecord definition, DateTimeOffset writtenAt)
    {
        if (!_crons.TryGetValue((definition.Cron, definition.TimeZone), out var cron))
        {
            try
            {
                cron = CronSchedule.Parse(definition.Cron, definition.TimeZone ?? "UTC");
            }
            catch (Exception e) when (CronSchedule.IsParseError(e))
            {
                Unschedulable++;
                return false;
            }

            _crons[(definition.Cron, definition.TimeZone)] = cron;
        }

        definition = Shared(definition);

        if (_entries.TryGetValue(name, out var entry))
        {
            var old = entry.Definition;
            if (old.Cron != definition.Cron || old.TimeZone != definition.TimeZone || old.StartAt != definition.StartAt)
            {
                entry.Anchor = writtenAt;
            }

            entry.Definition = definition;
            entry.Cron = cron;
            entry.Enabled = definition.Enabled;
        }
        else
        {
            entry = new ScheduleEntry(name, definition, cron, writtenAt);
            _entries[name] = entry;
        }

        Changes++;
        Reschedule(entry);
        return true;
    }

    /// <summary>Removes a schedule: nothing of it fires after this, including its pending triggers.</summary>
    public void Remove(string name)
    {
        if (_entries.Remove(name, out var entry))
        {
            entry.Removed = true;
            entry.Version++;
            Changes++;
        }
    }

    /// <summary>
    /// An enable or disable command written at <paramref name="at"/>. Occurrences while disabled are not missed ones:
    /// enabling starts after <paramref name="at"/>, whatever the misfire policy.
    /// </summary>
    public void SetEnabled(string name, bool enabled, DateTimeOffset at)
    {
        if (_entries.TryGetValue(name, out var entry))
        {
            if (enabled && !entry.Enabled && at > entry.SkippedUpTo)
            {
                entry.SkippedUpTo = at;
            }

            entry.Enabled = enabled;
            Changes++;
            Reschedule(entry);
        }
    }

    /// <summary>A trigger command at <paramref name="offset"/>: fires once, enabled or not.</summary>
    public void Trigger(string name, long offset, DateTimeOffset at)
    {
        if (_entries.TryGetValue(name, out var entry))
        {
            entry.AddTrigger(offset, at);
            Changes++;
            Reschedule(entry);
        }
    }

    /// <summary>A claim read from the partition (a previous owner's, or this owner's own read back).</summary>
    public void Claimed(string name, DateTimeOffset occurrence, long? triggerOffset)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            return;
        }

        // The owner reads back every claim it wrote, after it confirmed it: nothing changes then, and the queued due
        // time stays valid (rescheduling would cost a cron step and a heap entry per occurrence).
        var changed = false;
        if (triggerOffset is { } offset)
        {
            changed = entry.RemoveTrigger(offset);
        }
        else if (entry.LastClaimed is not { } last || occurrence > last)
        {
            entry.LastClaimed = occurrence;
            changed = true;
        }

        if (changed)
        {
            Changes++;
            Reschedule(entry);
        }
    }

    /// <summary>
    /// What fires at <paramref name="now"/>. Taken schedules leave the queue until <see cref="Confirm"/> or
    /// <see cref="Retry"/>. Occurrences older than the misfire threshold are missed: the latest of them fires once under
    /// <see cref="MisfirePolicy.RunOnce"/>, none under <see cref="MisfirePolicy.Skip"/>. At most about
    /// <paramref name="max"/> fires are taken (whole schedules): the rest stay due for the next call.
    /// </summary>
    public List<Fire> TakeDue(DateTimeOffset now, int max = int.MaxValue)
    {
        var fires = new List<Fire>();
        while (fires.Count < max && _due.TryPeek(out var queued, out var due) && due <= now)
        {
            _due.Dequeue();
            var entry = queued.Entry;
            if (entry.Removed || queued.Version != entry.Version)
            {
                continue;
            }

            var before = fires.Count;
            Plan(entry, now, fires);
            entry.Version++;
            if (fires.Count == before)
            {
                Reschedule(entry);
            }
        }

        return fires;
    }

    /// <summary>The transaction that produced <paramref name="fires"/> committed: they are claimed.</summary>
    public void Confirm(IEnumerable<Fire> fires)
    {
        // A schedule's fires are adjacent (TakeDue plans one schedule at a time): reschedule each once, after its last.
        ScheduleEntry? previous = null;
        foreach (var fire in fires)
        {
            var entry = fire.Entry;
            if (previous is not null && previous != entry && !previous.Removed)
            {
                Reschedule(previous);
            }

            previous = entry;
            if (fire.TriggerOffset is { } offset)
            {
                entry.RemoveTrigger(offset);
            }
            else if (entry.LastClaimed is not { } last || fire.Occurrence > last)
            {
                entry.LastClaimed = fire.Occurrence;
            }
        }

        if (previous is { Removed: false })
        {
            Reschedule(previous);
        }
    }

    /// <summary>
    /// Puts back what <see cref="TakeDue"/> took and nothing produced (a round built ahead and then discarded, issue 11):
    /// each schedule still held is due again at its next occurrence, as if it had never been taken.
    /// </summary>
    public void Untake(IEnumerable<Fire> fires)
    {
        ScheduleEntry? previous = null;
        foreach (var fire in fires)
        {
            // A schedule's fires are adjacent (TakeDue plans one schedule at a time).
            if (fire.Entry != previous && !fire.Entry.Removed)
            {
                Reschedule(fire.Entry);
            }

            previous = fire.Entry;
        }
    }

    /// <summary>The transaction failed: the schedules are due again at <paramref name="at"/>.</summary>
    public void Retry(IEnumerable<Fire> fires, DateTimeOffset at)
    {
        foreach (var entry in fires.Select(f => f.Entry).Distinct())
        {
            if (!entry.Removed)
            {
                entry.Version++;
                _due.Enqueue((entry, entry.Version), at);
            }
        }
    }

    private void Plan(ScheduleEntry entry, DateTimeOffset now, List<Fire> fires)
    {
        if (entry.HasTriggers)
        {
            foreach (var (offset, at) in entry.Triggers)
            {
                fires.Add(new Fire(entry, at, FireReason.Manual, offset));
            }
        }

        if (!entry.Enabled)
        {
            return;
        }

        var from = entry.From;
        var upTo = entry.EndAt is { } end && end < now ? end : now;
        if (upTo <= from)
        {
            return;
        }

        var cut = now - misfireThreshold;
        var onTimeFrom = from;
        if (cut > from)
        {
            var missedUpTo = cut < upTo ? cut : upTo;
            if (entry.Cron.Latest(from, missedUpTo) is { } missed)
            {
                if (entry.Definition.Misfire == MisfirePolicy.RunOnce)
                {
                    fires.Add(new Fire(entry, missed, FireReason.Misfire, null));
                }
                else
                {
                    entry.SkippedUpTo = missed;
                }
            }

            onTimeFrom = missedUpTo;
        }

        var count = 0;
        for (var next = entry.Cron.Next(onTimeFrom); next is { } n && n <= upTo && count < MaxOnTimePerStep; next = entry.Cron.Next(n), count++)
        {
            fires.Add(new Fire(entry, n, FireReason.Scheduled, null));
        }
    }

    private DefinitionRecord Shared(DefinitionRecord d)
        => d with
        {
            Cron = Pooled(d.Cron),
            TimeZone = d.TimeZone is null ? null : Pooled(d.TimeZone),
            TargetTopic = Pooled(d.TargetTopic),
            Headers = d.Headers.Count == 0 ? [] : d.Headers,
        };

    private string Pooled(string text)
    {
        if (_strings.TryGetValue(text, out var pooled))
        {
            return pooled;
        }

        _strings[text] = text;
        return text;
    }

    private void Reschedule(ScheduleEntry entry)
    {
        entry.Version++;
        // A trigger is due at once, whatever the writer's clock said.
        DateTimeOffset? due = entry.HasTriggers ? DateTimeOffset.MinValue : null;
        if (entry.NextOccurrence() is { } next && (due is null || next < due))
        {
            due = next;
        }

        if (due is { } d)
        {
            _due.Enqueue((entry, entry.Version), d);
        }
    }
}
