namespace Carillon.Recurring.Scheduling;

/// <summary>
/// One task's timer loop: waits until the claim lead before its next cron occurrence, then hands the occurrence to the
/// <see cref="OccurrenceDecider"/>. A timer that fired very late runs the latest due occurrence once.
/// </summary>
internal sealed class OccurrenceLoop(EngineContext engine, EngineTimers timers, OccurrenceDecider decider)
{
    /// <summary>Starts the loop of <paramref name="rt"/> on the thread pool (the task must have a schedule).</summary>
    public void Start(TaskRuntime rt)
    {
        engine.Observer?.LoopStarted();
        _ = Task.Run(() => RunAsync(rt, rt.Cron!), CancellationToken.None);
    }

    private async Task RunAsync(TaskRuntime rt, CronSchedule cron)
    {
        var token = engine.Stopping;
        try
        {
            while (!token.IsCancellationRequested)
            {
                DateTimeOffset cursor;
                lock (engine.Gate)
                {
                    cursor = rt.Cursor;
                }

                if (cron.Next(cursor) is not { } next)
                {
                    engine.Logger.NeverFires(rt.Id, rt.Descriptor.Cron, cursor);
                    return;
                }

                var now = engine.Time.GetUtcNow();
                if (next < now && cron.Latest(cursor, now) is { } latest && latest > next)
                {
                    // The timer fired very late (suspended process, starved machine): run the latest due occurrence
                    // once rather than a burst of stale ones.
                    engine.Logger.Coalesced(rt.Id, next, latest);
                    next = latest;
                }

                var wake = next - engine.Settings.ClaimLead;
                if (wake > now)
                {
                    await timers.WaitAsync(wake - now, token).ConfigureAwait(false);
                }

                await decider.FireAsync(rt, next, ScheduledRunTrigger.Schedule, null).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            engine.Observer?.LoopEnded();
        }
    }
}
