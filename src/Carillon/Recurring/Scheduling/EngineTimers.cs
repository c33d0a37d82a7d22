namespace Carillon.Recurring.Scheduling;

/// <summary>The engine's waits on its <see cref="TimeProvider"/>: never early, ended by a stop.</summary>
internal sealed class EngineTimers(EngineContext engine)
{
    private static readonly TimeSpan s_spinThreshold = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan s_minimumDelay = TimeSpan.FromMilliseconds(1);

    /// <summary>Waits <paramref name="delay"/> on the time provider.</summary>
    public async Task WaitAsync(TimeSpan delay, CancellationToken token)
    {
        // Not Task.Delay: the observer must see the wait park only once its timer is registered, and wake on the
        // thread that fires it, before the continuation is queued anywhere (issue 13, the simulator's idle test).
        using var wait = new ClockWait(engine.Time, delay, token, engine.Observer);
        await wait.Task.ConfigureAwait(false);
    }

    /// <summary>Waits on the time provider until <paramref name="when"/>; false if the engine stopped meanwhile.</summary>
    public async Task<bool> DelayUntilAsync(DateTimeOffset when)
    {
        var time = engine.Time;
        var stopping = engine.Stopping;
        try
        {
            // OS timers may fire up to a tick early: wait again for what is left, and spin through the last
            // sub-millisecond on the system clock, so that a method never starts before its occurrence.
            for (var delay = when - time.GetUtcNow(); delay > TimeSpan.Zero; delay = when - time.GetUtcNow())
            {
                if (delay < s_spinThreshold && ReferenceEquals(time, TimeProvider.System))
                {
                    var spinner = default(SpinWait);
                    while (time.GetUtcNow() < when)
                    {
                        stopping.ThrowIfCancellationRequested();
                        spinner.SpinOnce(sleep1Threshold: -1);
                    }

                    break;
                }

                // Task.Delay completes at once for less than a millisecond: on another clock (a test's), wait a whole one
                // instead of spinning on a clock that does not move by itself.
                await WaitAsync(delay < s_minimumDelay ? s_minimumDelay : delay, stopping).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
