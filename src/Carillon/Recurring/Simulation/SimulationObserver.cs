using Carillon.Recurring.Scheduling;

namespace Carillon.Simulation;

/// <summary>Counts one engine's timer loops and parked waits, and every event, for the runner's idle test.</summary>
internal sealed class SimulationObserver(Action touched) : IScheduleEngineObserver
{
    private int _loops;
    private int _waits;

    /// <summary>True when every live loop waits on a timer.</summary>
    public bool Parked => Volatile.Read(ref _waits) >= Volatile.Read(ref _loops);

    public void LoopStarted()
    {
        Interlocked.Increment(ref _loops);
        touched();
    }

    public void LoopEnded()
    {
        Interlocked.Decrement(ref _loops);
        touched();
    }

    public void WaitStarted()
    {
        Interlocked.Increment(ref _waits);
        touched();
    }

    public void WaitEnded()
    {
        Interlocked.Decrement(ref _waits);
        touched();
    }

    public void Stopped() => touched();
}
