using Carillon.Recurring.State;
using Carillon.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// Runs one claimed attempt of an occurrence: the method in its own DI scope on the thread pool, its timeout, its span,
/// the exception handlers, then hands the outcome to the <see cref="OutcomeRecorder"/>, with the next attempt's due time
/// when the task retries it (issue 13).
/// </summary>
internal sealed class RunInvoker(EngineContext engine, OutcomeRecorder outcomes, RetryScheduler retries)
{
    public async Task RunAsync(TaskRuntime rt, ClaimRecord claim)
    {
        var attempt = claim.Attempt;
        RecurringMetrics.RecordAttempt(rt.Id, attempt);
        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(engine.RunsCancelled);
        var startedAt = engine.Time.GetUtcNow();
        ScheduledActionContext? context = null;
        Task invocation;
        ScheduledRunOutcome outcome;
        Exception? error;
        bool timedOut;
        using (var activity = RunTelemetry.Start(rt.Id, claim.Occurrence, claim.Trigger))
        {
            // The method runs on the thread pool so that a synchronous method never holds up the engine's timers (inline
            // only under a simulator's frozen clock: EngineSettings.StartMethodsInline).
            async Task InvokeAsync()
            {
                engine.Observer?.MethodStarted();
                try
                {
                    context = new ScheduledActionContext(rt.Id, claim.Occurrence, engine.Time.GetUtcNow(), engine.Settings.InstanceId, claim.Trigger, attempt);
                    RecurringMetrics.Lateness.Record(context.Lateness.TotalMilliseconds, new("task", rt.Id), new("trigger", EnumText<ScheduledRunTrigger>.Of(claim.Trigger)));
                    await InvokeInScopeAsync(rt, context, runCancellation.Token).ConfigureAwait(false);
                }
                finally
                {
                    engine.Observer?.MethodEnded();
                }
            }

            invocation = engine.Settings.StartMethodsInline ? InvokeAsync() : Task.Run(InvokeAsync, CancellationToken.None);

            (outcome, error, timedOut) = await AwaitOutcomeAsync(rt, claim, invocation, runCancellation).ConfigureAwait(false);
            RunTelemetry.SetOutcome(activity, outcome, error, rt.Descriptor.Timeout);
        }

        var end = engine.Time.GetUtcNow();
        var retryAt = PlanRetry(rt, claim, outcome, end);
        var record = outcomes.Create(rt, claim.Occurrence, claim.RunId, claim.Trigger, claim.TriggerOffset, outcome, context?.FiredAt ?? startedAt, end, error, attempt, retryAt);
        var recording = outcomes.Finish(record);
        if (error is not null)
        {
            await NotifyHandlersAsync(rt, context, error, retryAt).ConfigureAwait(false);
        }

        if (timedOut)
        {
            // The overlap guard holds until the method really returns, even if it ignores its token.
            try
            {
                await invocation.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
            }
        }

        PendingRetry? pending;
        lock (engine.Gate)
        {
            rt.Running--;
            pending = retryAt is null || engine.Stopped ? null : rt.State.PendingRetry;
        }

        if (pending is not null)
        {
            // A stopping engine leaves the retry in the state: the next owner performs it.
            retries.Start(rt, pending);
        }

        await recording.ConfigureAwait(false);
    }

    /// <summary>When another attempt follows this outcome: its due time by <see cref="RetryBackoff"/>; else null.</summary>
    private DateTimeOffset? PlanRetry(TaskRuntime rt, ClaimRecord claim, ScheduledRunOutcome outcome, DateTimeOffset end)
    {
        var descriptor = rt.Descriptor;
        var retryable = outcome == ScheduledRunOutcome.Failed || (outcome == ScheduledRunOutcome.TimedOut && descriptor.RetryOnTimeout);
        if (!retryable || descriptor.Retries == 0)
        {
            return null;
        }

        if (claim.Attempt > descriptor.Retries)
        {
            engine.Logger.RetriesExhausted(rt.Id, claim.Attempt, claim.Occurrence, outcome);
            RecurringMetrics.RecordExhausted(rt.Id, outcome);
            return null;
        }

        // Whole milliseconds: the due time is stored in the state and waited for with Task.Delay, which counts in them.
        var delay = RetryBackoff.Delay(descriptor.RetryDelay, claim.Attempt, Random.Shared.NextDouble());
        var retryAt = end + TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds));
        engine.Logger.RetryScheduled(rt.Id, claim.Attempt, claim.Occurrence, outcome, claim.Attempt + 1, retryAt);
        return retryAt;
    }

    private async Task InvokeInScopeAsync(TaskRuntime rt, ScheduledActionContext context, CancellationToken token)
    {
        var scope = engine.Services.GetService<IServiceScopeFactory>()?.CreateAsyncScope();
        try
        {
            await rt.Descriptor.InvokeAsync(scope?.ServiceProvider ?? engine.Services, context, token).ConfigureAwait(false);
        }
        finally
        {
            if (scope is { } s)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for the method or its timeout, whichever comes first, and names the outcome.</summary>
    /// <remarks>A <see cref="ValueTask{TResult}"/>: a method that completed synchronously costs no task here.</remarks>
    private async ValueTask<(ScheduledRunOutcome Outcome, Exception? Error, bool TimedOut)> AwaitOutcomeAsync(TaskRuntime rt, ClaimRecord claim, Task invocation, CancellationTokenSource runCancellation)
    {
        if (rt.Descriptor.Timeout is { } timeout)
        {
            using var alarm = new ClockAlarm(engine.Time, timeout, engine.Observer);
            if (await Task.WhenAny(invocation, alarm.Task).ConfigureAwait(false) == alarm.Task)
            {
                await runCancellation.CancelAsync().ConfigureAwait(false);
                engine.Logger.RunTimedOut(rt.Id, timeout, claim.Occurrence, claim.Attempt);
                return (ScheduledRunOutcome.TimedOut, null, true);
            }
        }

        try
        {
            await invocation.ConfigureAwait(false);
            return (ScheduledRunOutcome.Succeeded, null, false);
        }
        catch (OperationCanceledException) when (engine.RunsCancelled.IsCancellationRequested)
        {
            // Cancelled by shutdown: the run did not complete.
            return (ScheduledRunOutcome.Interrupted, null, false);
        }
        catch (Exception e)
        {
            engine.Logger.RunFailed(e, rt.Id, claim.Occurrence, claim.Attempt);
            return (ScheduledRunOutcome.Failed, e, false);
        }
    }

    private async Task NotifyHandlersAsync(TaskRuntime rt, ScheduledActionContext? context, Exception error, DateTimeOffset? retryAt)
    {
        if (context is null)
        {
            return;
        }

        foreach (var handler in engine.Services.GetServices<IScheduledActionExceptionHandler>())
        {
            try
            {
                await handler.OnAttemptFailedAsync(context, error, retryAt, engine.Stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                engine.Logger.HandlerFailed(e, rt.Id);
            }
        }
    }
}
