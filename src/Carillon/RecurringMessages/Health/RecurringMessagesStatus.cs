using System.Collections.Concurrent;

namespace Carillon.RecurringMessages.Health;

/// <summary>
/// What this instance's recurring-messages owner reports (issue 11): its partitions and schedules (for the gauges), its
/// loop's failures, and the schedules that cannot fire (for <see cref="RecurringMessagesHealthCheck"/>). Written by the
/// owner's thread, read by health checks and metric collection: thread-safe.
/// </summary>
internal sealed class RecurringMessagesStatus
{
    private readonly ConcurrentDictionary<string, CannotFire> _cannotFire = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private (string Reason, DateTimeOffset At)? _loopFailure;
    private (string Reason, DateTimeOffset At)? _fireFailure;
    private string? _crash;
    private int _owned;
    private int _held;

    public bool Running { get; private set; }

    public int OwnedPartitions => Volatile.Read(ref _owned);

    public int HeldSchedules => Volatile.Read(ref _held);

    public string? Crash
    {
        get
        {
            lock (_gate)
            {
                return _crash;
            }
        }
    }

    public (string Reason, DateTimeOffset At)? LoopFailure
    {
        get
        {
            lock (_gate)
            {
                return _loopFailure;
            }
        }
    }

    public (string Reason, DateTimeOffset At)? FireFailure
    {
        get
        {
            lock (_gate)
            {
                return _fireFailure;
            }
        }
    }

    /// <summary>Schedules whose latest occurrence could not go to its target, by name.</summary>
    public IReadOnlyList<CannotFire> SchedulesThatCannotFire => [.. _cannotFire.Values.OrderBy(c => c.Name, StringComparer.Ordinal)];

    public bool AnyCannotFire => !_cannotFire.IsEmpty;

    public void Started() => Running = true;

    public void Counts(int ownedPartitions, int heldSchedules)
    {
        Volatile.Write(ref _owned, ownedPartitions);
        Volatile.Write(ref _held, heldSchedules);
    }

    public void LoopFailed(string reason, DateTimeOffset at)
    {
        lock (_gate)
        {
            _loopFailure = (reason, at);
        }
    }

    public void FireFailed(string reason, DateTimeOffset at)
    {
        lock (_gate)
        {
            _fireFailure = (reason, at);
        }
    }

    public void Crashed(string reason)
    {
        lock (_gate)
        {
            _crash = reason;
        }
    }

    /// <summary>
    /// An occurrence of <paramref name="name"/> was dead-lettered: its target topic does not exist. True when the
    /// schedule was not already known to be unable to fire (or now targets another missing topic).
    /// </summary>
    public bool TargetMissing(string name, int partition, string topic, DateTimeOffset occurrence)
    {
        var known = _cannotFire.TryGetValue(name, out var previous) && previous.TargetTopic == topic;
        _cannotFire[name] = new CannotFire(name, partition, topic, occurrence);
        return !known;
    }

    /// <summary>An occurrence of <paramref name="name"/> reached its target: it can fire again.</summary>
    public void Fired(string name) => _cannotFire.TryRemove(name, out _);

    /// <summary>Forgets the schedules of a partition this instance no longer owns, or that <paramref name="keep"/> says are gone.</summary>
    public void Forget(int partition, Func<string, bool>? keep = null)
    {
        foreach (var c in _cannotFire.Values)
        {
            if (c.Partition == partition && (keep is null || !keep(c.Name)))
            {
                _cannotFire.TryRemove(c.Name, out _);
            }
        }
    }

    /// <summary>A schedule that cannot fire: its latest occurrence went to the dead-letter topic.</summary>
    public sealed record CannotFire(string Name, int Partition, string TargetTopic, DateTimeOffset Occurrence);
}
