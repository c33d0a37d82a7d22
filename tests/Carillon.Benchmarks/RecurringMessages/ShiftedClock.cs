namespace Carillon.Benchmarks.RecurringMessages;

/// <summary>
/// The system clock moved by an offset that can be changed while the host runs: the benchmark jumps it to just before
/// midnight once every definition is loaded, so 100,000 "0 0 * * *" schedules fall due at a real instant it knows,
/// with nothing of the load in the figure. Time keeps flowing after the jump (the owner waits for the due time as it
/// would for a real midnight). <see cref="TimeProvider.GetTimestamp"/> is untouched: the loop monitor's leases stay real.
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Shifts the clock so that it reads <paramref name="at"/> after <paramref name="lead"/> of real time; returns that real instant.</summary>
    public DateTimeOffset ReachAfter(DateTimeOffset at, TimeSpan lead)
    {
        var real = System.GetUtcNow() + lead;
        Interlocked.Exchange(ref _offsetTicks, (at - real).Ticks);
        return real;
    }
}
