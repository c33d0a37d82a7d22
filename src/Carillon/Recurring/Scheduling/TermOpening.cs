using Carillon.Recurring.State;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// What an engine settles before its timers start, from the state it inherits: stored versions (upgrade, or block a
/// task whose stored version is newer), claims left open by the previous owner (Interrupted), implausible cursors,
/// missed occurrences (misfire policy) and pending manual triggers.
/// </summary>
internal static class TermOpening
{
    /// <summary>How far another instance's clock may run ahead of this one's.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>Settles the state under the engine's lock; returns the work to do once the lock is released.</summary>
    public static Plan Settle(EngineContext engine, OutcomeRecorder outcomes, DateTimeOffset now)
    {
        var plan = new Plan();
        lock (engine.Gate)
        {
            foreach (var rt in engine.Tasks.Values)
            {
                SettleTask(engine, outcomes, rt, now, plan);
            }

            plan.Triggers.AddRange(engine.State.PendingTriggers);
        }

        return plan;
    }

    private static void SettleTask(EngineContext engine, OutcomeRecorder outcomes, TaskRuntime rt, DateTimeOffset now, Plan plan)
    {
        var state = rt.State;
        state.Enabled ??= rt.Descriptor.Enabled;
        if (SemanticVersion.Compare(state.Version, rt.Descriptor.Version) > 0)
        {
            rt.VersionBlocked = true;
        }
        else
        {
            // A newer (or equal) owner upgrades the stored version.
            state.Version = rt.Descriptor.Version;
        }

        foreach (var open in state.OpenRuns.Values.ToArray())
        {
            state.OpenRuns.Remove(open.RunId);
            state.LastOutcome = ScheduledRunOutcome.Interrupted;
            plan.Interrupted.Add(outcomes.Create(rt, open.Occurrence, open.RunId, open.Trigger, open.TriggerOffset, ScheduledRunOutcome.Interrupted, now, now, null, open.Attempt));
        }

        if (state.LastOccurrence is { } ahead && ahead > now + engine.Settings.ClaimLead + MaxClockSkew)
        {
            // No owner claims further ahead than the claim lead (manual triggers claim "now"), so this came
            // from a forged record or a badly wrong clock. Honouring it would silence the task until then
            // (year 9999: forever, issue 8); the cursor restarts at now instead, without a misfire run.
            engine.Logger.ImplausibleOccurrence(rt.Id, ahead, now);
            RecurringMetrics.RecordInvalid("future_occurrence");
            state.LastOccurrence = now;
        }

        if (state.LastOccurrence is not { } last)
        {
            // A task seen for the first time does not run occurrences from before it was first seen.
            rt.Cursor = now;
            state.LastOccurrence = now;
            return;
        }

        rt.Cursor = last;
        var missedOccurrence = rt.Cron?.Latest(last, now);
        SettleRetry(engine, rt, now, missedOccurrence, plan);
        if (missedOccurrence is { } missed)
        {
            rt.Cursor = missed;
            if (rt.Descriptor.Misfire == MisfirePolicy.RunOnce)
            {
                plan.Misfires.Add((rt, missed));
            }
            else
            {
                state.LastOccurrence = missed;
                engine.Logger.MisfireSkip(rt.Id, missed);
            }
        }
    }

    /// <summary>
    /// A retry left pending by the previous owner (issue 13) is performed at its time; one already due runs at once with
    /// <see cref="MisfirePolicy.RunOnce"/> and is dropped with <see cref="MisfirePolicy.Skip"/>; a missed later occurrence
    /// supersedes it, as a claimed one would (docs/recurring.md, "Retries").
    /// </summary>
    private static void SettleRetry(EngineContext engine, TaskRuntime rt, DateTimeOffset now, DateTimeOffset? missed, Plan plan)
    {
        if (rt.State.PendingRetry is not { } retry)
        {
            return;
        }

        if (missed is { } m && m > retry.Occurrence && retry.Trigger != ScheduledRunTrigger.Manual)
        {
            engine.Logger.RetrySuperseded(rt.Id, retry.Attempt, retry.Occurrence);
            rt.State.PendingRetry = null;
        }
        else if (retry.DueAt <= now && rt.Descriptor.Misfire == MisfirePolicy.Skip)
        {
            engine.Logger.RetryMisfireSkip(rt.Id, retry.Attempt, retry.Occurrence, retry.DueAt);
            rt.State.PendingRetry = null;
        }
        else
        {
            plan.Retries.Add((rt, retry));
        }
    }

    /// <summary>Work decided at the opening, done outside the lock.</summary>
    public sealed class Plan
    {
        public List<OutcomeRecord> Interrupted { get; } = [];

        public List<(TaskRuntime Task, DateTimeOffset Occurrence)> Misfires { get; } = [];

        public List<PendingTrigger> Triggers { get; } = [];

        public List<(TaskRuntime Task, PendingRetry Retry)> Retries { get; } = [];
    }
}
