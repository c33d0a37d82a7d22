namespace Carillon.Delayed.Dispatching;

/// <summary>
/// Where one dispatch transaction's time went, in Unix milliseconds on the precise clock (issue 14: the lateness
/// breakdown in docs/benchmarks-delayed.md). <see cref="Slept"/>: the loop was waiting for the due time (so
/// <see cref="AwakeMs"/> minus <see cref="FirstDueMs"/> is the wake-up's lateness), not busy with an earlier batch.
/// <see cref="OffsetsSentMs"/> is <see cref="double.NaN"/> for a transaction that carried no offsets.
/// </summary>
internal readonly record struct DispatchTiming(
    double FirstDueMs, int Count, bool Slept, double AwakeMs, double WrittenMs, double OffsetsSentMs, double CommittedMs);

/// <summary>The breakdown's one listener (a benchmark); nothing is measured or allocated while it is null.</summary>
internal static class DispatchTimings
{
    private static Action<DispatchTiming>? s_observer;

    public static Action<DispatchTiming>? Observer
    {
        get => Volatile.Read(ref s_observer);
        set => Volatile.Write(ref s_observer, value);
    }
}
