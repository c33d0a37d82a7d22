using Carillon.Recurring.State;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// Decides one occurrence (or manual trigger): skipped because the task is disabled, blocked by a newer stored version
/// or still running (no overlap), or claimed and started on time by the <see cref="RunInvoker"/>.
/// </summary>
internal sealed class OccurrenceDecider(EngineContext engine, EngineTimers timers, OutcomeRecorder outcomes, RunInvoker runs)
{
    public async Task FireAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset)
    {
        ScheduledRunOutcome? skip = null;
        var overlapping = false;
        lock (engine.Gate)
        {
            if (engine.Stopped)
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
                outcomes.Settle(rt, occurrence, trigger, triggerOffset, skip.Value);
            }
        }

        if (skip is { } skipped)
        {
            await outcomes.RecordSkipAsync(rt, occurrence, trigger, triggerOffset, skipped).ConfigureAwait(false);
            return;
        }

        if (overlapping && !await ReserveAtOccurrenceAsync(rt, occurrence, trigger, triggerOffset).ConfigureAwait(false))
        {
            return;
        }

        await ClaimAndStartAsync(rt, occurrence, trigger, triggerOffset).ConfigureAwait(false);
    }

    /// <summary>Waits for the occurrence, then reserves the run if the previous one ended, or records SkippedOverlap.</summary>
    private async Task<bool> ReserveAtOccurrenceAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset)
    {
        if (!await timers.DelayUntilAsync(occurrence).ConfigureAwait(false))
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

            outcomes.Settle(rt, occurrence, trigger, triggerOffset, ScheduledRunOutcome.SkippedOverlap);
        }

        await outcomes.RecordSkipAsync(rt, occurrence, trigger, triggerOffset, ScheduledRunOutcome.SkippedOverlap).ConfigureAwait(false);
        return false;
    }

    /// <summary>Claims the reserved run ahead of its occurrence (the claim lead), then starts it at the occurrence.</summary>
    private async Task ClaimAndStartAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset)
    {
        var settings = engine.Settings;
        var claim = new ClaimRecord(rt.Id, occurrence, Guid.NewGuid().ToString("N"), settings.InstanceId, trigger, triggerOffset, settings.ScheduleVersion, rt.Descriptor.Version);
        if (!await outcomes.ClaimAsync(rt, claim).ConfigureAwait(false))
        {
            return;
        }

        if (!await timers.DelayUntilAsync(occurrence).ConfigureAwait(false))
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
        engine.Track(runs.RunAsync(rt, claim));
    }
}
