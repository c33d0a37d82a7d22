using Carillon.Recurring.State;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// Waits for a pending retry (held in the state: <see cref="TaskState.PendingRetry"/>) and hands it to the
/// <see cref="OccurrenceDecider"/> at its due time, which claims it like any attempt. A retry that a later occurrence
/// superseded meanwhile (the state no longer holds it) is dropped (issue 13).
/// </summary>
internal sealed class RetryScheduler(EngineContext engine, EngineTimers timers, OccurrenceDecider decider)
{
    /// <summary>Starts waiting for <paramref name="retry"/>; counted as a loop by the observer until it fires or ends.</summary>
    public void Start(TaskRuntime rt, PendingRetry retry)
    {
        engine.Observer?.LoopStarted();
        _ = Task.Run(() => RunAsync(rt, retry), CancellationToken.None);
    }

    private async Task RunAsync(TaskRuntime rt, PendingRetry retry)
    {
        var token = engine.Stopping;
        try
        {
            var wake = retry.DueAt - engine.Settings.ClaimLead;
            var now = engine.Time.GetUtcNow();
            if (wake > now)
            {
                await timers.WaitAsync(wake - now, token).ConfigureAwait(false);
            }

            lock (engine.Gate)
            {
                if (engine.Stopped)
                {
                    return;
                }

                if (rt.State.PendingRetry != retry)
                {
                    engine.Logger.RetrySuperseded(rt.Id, retry.Attempt, retry.Occurrence);
                    return;
                }
            }

            await decider.FireAsync(rt, retry.Occurrence, retry.Trigger, retry.TriggerOffset, retry.Attempt, retry.DueAt).ConfigureAwait(false);
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
