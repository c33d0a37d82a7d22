using System.Collections.Concurrent;

namespace Carillon.Hosting.Liveness;

/// <summary>
/// Where every long-lived loop of Carillon (the schedules consumer, the schedule owner's writer, the delayed consumer,
/// each delayed partition worker) reports progress. A loop beats each time it comes round, including when it wakes
/// with nothing to do (its waits are capped for that reason); one that has not beaten for longer than it declared is
/// stalled, and the liveness health check names it (issue 8: "a loop that has made no progress for longer than it
/// should").
/// </summary>
internal sealed class LoopMonitor(TimeProvider time)
{
    private readonly ConcurrentDictionary<LoopLease, byte> _loops = new();

    /// <summary>Registers a loop that must beat at least every <paramref name="stallAfter"/>; dispose the lease when it ends.</summary>
    public LoopLease Register(string name, TimeSpan stallAfter)
    {
        var lease = new LoopLease(this, name, stallAfter, time);
        _loops[lease] = 0;
        return lease;
    }

    /// <summary>The loops that have not beaten in time, with how long ago they last did.</summary>
    public IReadOnlyList<(string Name, TimeSpan Silent, TimeSpan StallAfter)> Stalled()
    {
        var now = time.GetTimestamp();
        var stalled = new List<(string, TimeSpan, TimeSpan)>();
        foreach (var lease in _loops.Keys)
        {
            var silent = time.GetElapsedTime(lease.LastBeat, now);
            if (silent > lease.StallAfter)
            {
                stalled.Add((lease.Name, silent, lease.StallAfter));
            }
        }

        return stalled;
    }

    /// <summary>The names of the loops running now.</summary>
    public IReadOnlyList<string> Running() => [.. _loops.Keys.Select(l => l.Name)];

    internal void Remove(LoopLease lease) => _loops.TryRemove(lease, out _);
}

/// <summary>One registered loop: <see cref="Beat"/> on every turn, dispose when the loop ends.</summary>
internal sealed class LoopLease : IDisposable
{
    private readonly LoopMonitor _monitor;
    private readonly TimeProvider _time;
    private long _lastBeat;

    internal LoopLease(LoopMonitor monitor, string name, TimeSpan stallAfter, TimeProvider time)
    {
        _monitor = monitor;
        _time = time;
        Name = name;
        StallAfter = stallAfter;
        _lastBeat = time.GetTimestamp();
    }

    public string Name { get; }

    public TimeSpan StallAfter { get; }

    internal long LastBeat => Volatile.Read(ref _lastBeat);

    public void Beat() => Volatile.Write(ref _lastBeat, _time.GetTimestamp());

    public void Dispose() => _monitor.Remove(this);
}
