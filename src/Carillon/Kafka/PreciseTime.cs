using System.Diagnostics;

namespace Carillon.Kafka;

/// <summary>
/// The precise clock and the wait through the last millisecond before a due time, shared by the delayed dispatcher's
/// partition workers (issue 14) and the recurring-messages owners (issue 11).
/// </summary>
internal static class PreciseTime
{
    /// <summary>Now, in Unix milliseconds with sub-millisecond precision: the timings of docs/benchmarks-delayed.md.</summary>
    public static double NowUnixMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>
    /// Yields <paramref name="wait"/> away on the calling thread rather than sleeping it: a thread still running at the
    /// due time starts at once, where one woken by a timer first waits for a core (issue 14: the wake-up was 1.35 ms
    /// late at p50 with the wait rounded up to the due time; docs/benchmarks-delayed.md). Meant for the last
    /// millisecond only, after a timed wait. Bounded by real time whatever the caller's <see cref="TimeProvider"/>;
    /// ends early when <paramref name="wake"/> is set or <paramref name="stop"/> is cancelled.
    /// </summary>
    public static void SpinFor(TimeSpan wait, ManualResetEventSlim? wake = null, CancellationToken stop = default)
    {
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        var start = Stopwatch.GetTimestamp();
        var spinner = default(SpinWait);
        while (Stopwatch.GetElapsedTime(start) < wait && wake?.IsSet != true && !stop.IsCancellationRequested)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
