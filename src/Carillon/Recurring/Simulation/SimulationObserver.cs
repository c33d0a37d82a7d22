using Carillon.Recurring.Scheduling;

namespace Carillon.Simulation;

/// <summary>
/// Counts a term's work for the runner's rest test (issue 13): <em>busy</em>, the engine work not parked on the clock
/// (live loops less their registered waits, tracked runs and records, fired timeouts not yet handled), and
/// <em>methods</em>, the scheduled methods in progress. Both engines of a term share one. The engine counts every
/// hand-over before counting off what handed over, so "busy equals methods" is a state the engine cannot leave by itself
/// until a method ends or the clock moves: no real-time quiet period is needed to recognize it.
/// </summary>
internal sealed class SimulationObserver(Action touched) : IScheduleEngineObserver
{
    // Busy in the high 32 bits, methods in the low 32: one atomic read gives a consistent pair.
    private const long BusyUnit = 1L << 32;
    private long _counts;
    private TaskCompletionSource? _parked;

    /// <summary>True when nothing but methods in progress is left: every loop waits on a registered timer.</summary>
    public bool Parked => IsParked(Volatile.Read(ref _counts));

    /// <summary>True when nothing at all is left: every loop waits on a registered timer and no run is in progress.</summary>
    public bool Idle => Volatile.Read(ref _counts) == 0;

    /// <summary>Completes once <see cref="Parked"/> is true (at once if it is).</summary>
    public Task WhenParkedAsync()
    {
        var waiter = Volatile.Read(ref _parked);
        if (waiter is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiter = Interlocked.CompareExchange(ref _parked, created, null) ?? created;
        }

        // Re-checked after publishing the waiter (the Interlocked above is a full fence): a change that made it true
        // meanwhile either saw the waiter or is seen here.
        if (Parked)
        {
            Release();
        }

        return waiter.Task;
    }

    public void LoopStarted() => Change(BusyUnit);

    public void LoopEnded() => Change(-BusyUnit);

    public void WaitStarted() => Change(-BusyUnit);

    public void WaitEnded() => Change(BusyUnit);

    public void WorkStarted() => Change(BusyUnit);

    public void WorkEnded() => Change(-BusyUnit);

    public void MethodStarted() => Change(1);

    public void MethodEnded() => Change(-1);

    public void Stopped() => touched();

    private static bool IsParked(long counts) => (int)(counts >> 32) <= (int)(counts & 0xFFFF_FFFF);

    private void Change(long delta)
    {
        var counts = Interlocked.Add(ref _counts, delta);
        if (IsParked(counts))
        {
            Release();
        }

        touched();
    }

    private void Release()
    {
        if (Volatile.Read(ref _parked) is not null && Interlocked.Exchange(ref _parked, null) is { } waiter)
        {
            waiter.TrySetResult();
        }
    }
}
