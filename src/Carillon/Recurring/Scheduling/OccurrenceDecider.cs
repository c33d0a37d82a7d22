using Carillon.Recurring.State;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// Decides one attempt of an occurrence (or manual trigger): skipped because the task is disabled, blocked by a newer
/// stored version or still running (no overlap), or claimed and started on time by the <see cref="RunInvoker"/>.
/// </summary>
internal sealed class OccurrenceDecider(EngineContext engine, EngineTimers timers, OutcomeRecorder outcomes)
{
    /// <summary>Set once, right after construction (the invoker needs the decider's retry scheduler and vice versa).</summary>
    public RunInvoker Runs { get; set; } = null!;

    /// <summary>Decides attempt <paramref name="attempt"/> of <paramref name="occurrence"/>, starting it at <paramref name="startAt"/> (default: the occurrence).</summary>
    /// <remarks>
    /// Not <c>async</c> itself: the decision is taken synchronously and the task returned is the one of what follows it,
    /// so each occurrence costs one state machine less (issue 13's simulated year). An exception is returned in the task,
    /// as from an <c>async</c> method.
    /// </remarks>
    public Task FireAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset, int attempt = 1, DateTimeOffset? startAt = null)
    {
        try
        {
            return Decide(rt, occurrence, trigger, triggerOffset, attempt, startAt ?? occurrence);
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    private Task Decide(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset, int attempt, DateTimeOffset start)
    {
        ScheduledRunOutcome? skip = null;
        var overlapping = false;
        lock (engine.Gate)
        {
            if (engine.Stopped)
            {
                return Task.CompletedTask;
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
                outcomes.Settle(rt, occurrence, trigger, triggerOffset, skip.Value, attempt);
            }
        }

        if (skip is { } skipped)
        {
            return outcomes.RecordSkipAsync(rt, occurrence, trigger, triggerOffset, skipped, attempt);
        }

        return overlapping
            ? ReserveThenClaimAsync(rt, occurrence, trigger, triggerOffset, attempt, start)
            : ClaimAndStartAsync(rt, occurrence, trigger, triggerOffset, attempt, start);
    }

    private async Task ReserveThenClaimAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset, int attempt, DateTimeOffset start)
    {
        if (await ReserveAtOccurrenceAsync(rt, occurrence, trigger, triggerOffset, attempt, start).ConfigureAwait(false))
        {
            await ClaimAndStartAsync(rt, occurrence, trigger, triggerOffset, attempt, start).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the start, then reserves the run if the previous one ended, or records SkippedOverlap.</summary>
    private async Task<bool> ReserveAtOccurrenceAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset, int attempt, DateTimeOffset start)
    {
        if (!await timers.DelayUntilAsync(start).ConfigureAwait(false))
        {
            return false;
        }

        lock (engine.Gate)
        {
            if (engine.Stopped)
            {
                return false;
            }

            if (rt.Running == 0)
            {
                rt.Running++;
                return true;
            }

            outcomes.Settle(rt, occurrence, trigger, triggerOffset, ScheduledRunOutcome.SkippedOverlap, attempt);
        }

        await outcomes.RecordSkipAsync(rt, occurrence, trigger, triggerOffset, ScheduledRunOutcome.SkippedOverlap, attempt).ConfigureAwait(false);
        return false;
    }

    /// <summary>Claims the reserved attempt ahead of its start (the claim lead), then starts it on time.</summary>
    private async Task ClaimAndStartAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset, int attempt, DateTimeOffset start)
    {
        var settings = engine.Settings;
        var claim = new ClaimRecord(rt.Id, occurrence, settings.NewRunId?.Invoke() ?? Guid.NewGuid().ToString("N"), settings.InstanceId, trigger, triggerOffset, settings.ScheduleVersion, rt.Descriptor.Version, attempt);
        if (!await outcomes.ClaimAsync(rt, claim).ConfigureAwait(false))
        {
            return;
        }

        if (!await timers.DelayUntilAsync(start).ConfigureAwait(false))
        {
            lock (engine.Gate)
            {
                rt.Running--;
            }

            return;
        }

        lock (engine.Gate)
        {
            // A fenced or revoked owner starts nothing, even a run it already claimed: the next owner records it Interrupted.
            if (engine.Stopped)
            {
                rt.Running--;
                return;
            }
        }

        // Not awaited: the task's loop moves on to the next occurrence while this one runs (overlap decisions).
        engine.Logger.AttemptStarting(rt.Id, attempt, occurrence, trigger);
        engine.Track(static s => s.Runs.RunAsync(s.rt, s.claim), (Runs, rt, claim));
    }
}
