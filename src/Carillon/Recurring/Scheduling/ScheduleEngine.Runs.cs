using System.Diagnostics;
using Carillon.Recurring.State;
using Carillon.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Scheduling;

internal sealed partial class ScheduleEngine
{
    private static readonly TimeSpan s_spinThreshold = TimeSpan.FromMilliseconds(2);

    /// <summary>Decides one occurrence (or manual trigger) and, when it is to run, claims it and starts the method on time.</summary>
    private async Task FireAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset)
    {
        ScheduledRunOutcome? skip = null;
        var overlapping = false;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (trigger != ScheduledRunTrigger.Manual && occurrence > rt.Cursor)
            {
                rt.Cursor = occurrence;
            }

            if (!rt.Enabled && trigger != ScheduledRunTrigger.Manual)
            {
                skip = ScheduledRunOutcome.SkippedDisabled;
            }
            else if (rt.VersionBlocked)
            {
                skip = ScheduledRunOutcome.SkippedVersion;
            }
            else if (!rt.Descriptor.AllowOverlap && rt.Running > 0)
            {
                // The previous run may still end before the occurrence: decide at the occurrence itself.
                overlapping = true;
            }
            else
            {
                rt.Running++;
            }

            if (skip is not null)
            {
                Settle(rt, occurrence, trigger, triggerOffset, skip.Value);
            }
        }

        if (skip is { } skipped)
        {
            await RecordSkipAsync(rt, occurrence, trigger, triggerOffset, skipped).ConfigureAwait(false);
            return;
        }

        if (overlapping)
        {
            if (!await DelayUntilAsync(occurrence).ConfigureAwait(false))
            {
                return;
            }

            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                if (rt.Running > 0)
                {
                    Settle(rt, occurrence, trigger, triggerOffset, ScheduledRunOutcome.SkippedOverlap);
                    skip = ScheduledRunOutcome.SkippedOverlap;
                }
                else
                {
                    rt.Running++;
                }
            }

            if (skip is not null)
            {
                await RecordSkipAsync(rt, occurrence, trigger, triggerOffset, ScheduledRunOutcome.SkippedOverlap).ConfigureAwait(false);
                return;
            }
        }

        await ClaimAndRunAsync(rt, occurrence, trigger, triggerOffset).ConfigureAwait(false);
    }

    private async Task ClaimAndRunAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset)
    {
        var runId = Guid.NewGuid().ToString("N");
        var claim = new ClaimRecord(rt.Id, occurrence, runId, _settings.InstanceId, trigger, triggerOffset, _settings.ScheduleVersion, rt.Descriptor.Version);
        if (_settings.UseClaims)
        {
            lock (_gate)
            {
                // In the state before the write, so that a snapshot taken meanwhile carries the open run.
                _state.Apply(claim);
            }

            bool claimed;
            try
            {
                claimed = await _ledger.ClaimAsync(claim, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                claimed = false;
            }

            if (!claimed)
            {
                lock (_gate)
                {
                    rt.Running--;
                    rt.State.OpenRuns.Remove(runId);
                }

                _logger.ClaimFailed(rt.Id, occurrence);
                return;
            }
        }

        if (!await DelayUntilAsync(occurrence).ConfigureAwait(false))
        {
            lock (_gate)
            {
                rt.Running--;
            }

            return;
        }

        lock (_gate)
        {
            // A fenced or revoked owner starts nothing, even a run it already claimed: the next owner records it Interrupted.
            if (_stopped)
            {
                rt.Running--;
                return;
            }
        }

        // Not awaited: the task's loop moves on to the next occurrence while this one runs (overlap decisions).
        Track(RunAsync(rt, claim));
    }

    private async Task RunAsync(TaskRuntime rt, ClaimRecord claim)
    {
        var attempt = Interlocked.Increment(ref rt.Attempts);
        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(_runsCancelled.Token);
        var startedAt = _time.GetUtcNow();
        ScheduledActionContext? context = null;

        // The method runs on the thread pool so that a synchronous method never holds up the engine's timers.
        var invocation = Task.Run(async () =>
        {
            context = new ScheduledActionContext(rt.Id, claim.Occurrence, _time.GetUtcNow(), _settings.InstanceId, claim.Trigger, attempt);
            using var activity = CarillonTelemetry.ActivitySource.StartActivity("carillon.recurring.run " + rt.Id, ActivityKind.Internal);
            activity?.SetTag("carillon.task", rt.Id);
            activity?.SetTag("carillon.occurrence", claim.Occurrence.ToString("o"));
            activity?.SetTag("carillon.trigger", claim.Trigger.ToString());
            RecurringMetrics.Lateness.Record(context.Lateness.TotalMilliseconds, new("task", rt.Id), new("trigger", claim.Trigger.ToString()));
            var scope = _services.GetService<IServiceScopeFactory>()?.CreateAsyncScope();
            try
            {
                await rt.Descriptor.InvokeAsync(scope?.ServiceProvider ?? _services, context, runCancellation.Token).ConfigureAwait(false);
            }
            finally
            {
                if (scope is { } s)
                {
                    await s.DisposeAsync().ConfigureAwait(false);
                }
            }
        }, CancellationToken.None);

        var outcome = ScheduledRunOutcome.Succeeded;
        Exception? error = null;
        var timedOut = false;
        if (rt.Descriptor.Timeout is { } timeout)
        {
            using var timerCancellation = new CancellationTokenSource();
            var timer = Task.Delay(timeout, _time, timerCancellation.Token);
            if (await Task.WhenAny(invocation, timer).ConfigureAwait(false) == timer)
            {
                timedOut = true;
                await runCancellation.CancelAsync().ConfigureAwait(false);
            }
            else
            {
                await timerCancellation.CancelAsync().ConfigureAwait(false);
            }
        }

        if (timedOut)
        {
            outcome = ScheduledRunOutcome.TimedOut;
            _logger.RunTimedOut(rt.Id, rt.Descriptor.Timeout!.Value, claim.Occurrence);
        }
        else
        {
            try
            {
                await invocation.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_runsCancelled.IsCancellationRequested)
            {
                // Cancelled by shutdown: the run did not complete.
                outcome = ScheduledRunOutcome.Interrupted;
            }
            catch (Exception e)
            {
                outcome = ScheduledRunOutcome.Failed;
                error = e;
                _logger.RunFailed(e, rt.Id, claim.Occurrence);
            }
        }

        var end = _time.GetUtcNow();
        var record = Outcome(rt, claim.Occurrence, claim.RunId, claim.Trigger, claim.TriggerOffset, outcome, context?.FiredAt ?? startedAt, end, error);
        lock (_gate)
        {
            if (_settings.UseClaims)
            {
                _state.Apply(record);
            }
            else
            {
                rt.State.LastOutcome = outcome;
            }
        }

        RecurringMetrics.RecordOutcome(rt.Id, outcome, end - record.Start);
        var recording = RecordOrLogAsync(record);
        if (error is not null)
        {
            await NotifyHandlersAsync(rt, context, error).ConfigureAwait(false);
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

        lock (_gate)
        {
            rt.Running--;
        }

        await recording.ConfigureAwait(false);
    }

    private async Task NotifyHandlersAsync(TaskRuntime rt, ScheduledActionContext? context, Exception error)
    {
        if (context is null)
        {
            return;
        }

        foreach (var handler in _services.GetServices<IScheduledActionExceptionHandler>())
        {
            try
            {
                await handler.OnExceptionAsync(context, error, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.HandlerFailed(e, rt.Id);
            }
        }
    }

    private Task RecordSkipAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset, ScheduledRunOutcome outcome)
    {
        var now = _time.GetUtcNow();
        _logger.RunSkipped(rt.Id, occurrence, outcome);
        RecurringMetrics.RecordOutcome(rt.Id, outcome, null);
        return RecordOrLogAsync(Outcome(rt, occurrence, null, trigger, triggerOffset, outcome, now, now, null));
    }

    /// <summary>Applies a skip to the state (under the lock) so that snapshots never re-offer the occurrence.</summary>
    private void Settle(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset, ScheduledRunOutcome outcome)
    {
        var record = Outcome(rt, occurrence, null, trigger, triggerOffset, outcome, occurrence, occurrence, null);
        if (_settings.UseClaims)
        {
            _state.Apply(record);
        }
        else
        {
            rt.State.LastOutcome = outcome;
        }
    }

    /// <summary>Waits on the time provider until <paramref name="when"/>; false if the engine stopped meanwhile.</summary>
    private async Task<bool> DelayUntilAsync(DateTimeOffset when)
    {
        try
        {
            // OS timers may fire up to a tick early: wait again for what is left, and spin through the last
            // sub-millisecond on the system clock, so that a method never starts before its occurrence.
            for (var delay = when - _time.GetUtcNow(); delay > TimeSpan.Zero; delay = when - _time.GetUtcNow())
            {
                if (delay < s_spinThreshold && ReferenceEquals(_time, TimeProvider.System))
                {
                    var spinner = default(SpinWait);
                    while (_time.GetUtcNow() < when)
                    {
                        _stopping.Token.ThrowIfCancellationRequested();
                        spinner.SpinOnce(sleep1Threshold: -1);
                    }

                    break;
                }

                await WaitAsync(delay, _stopping.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
