using Carillon.Recurring.State;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// Applies what happened to an occurrence to the engine's state (under its lock, so a snapshot never re-offers it) and
/// writes it to the <see cref="IRunLedger"/>: claims, outcomes and skips.
/// </summary>
internal sealed class OutcomeRecorder(EngineContext engine)
{
    public OutcomeRecord Create(TaskRuntime rt, DateTimeOffset occurrence, string? runId, ScheduledRunTrigger trigger, long? triggerOffset, ScheduledRunOutcome outcome, DateTimeOffset start, DateTimeOffset end, Exception? error, int attempt = 1, DateTimeOffset? retryAt = null)
        => new(rt.Id, occurrence, runId, engine.Settings.InstanceId, trigger, triggerOffset, outcome, start, end, error?.GetType().FullName, error?.Message, engine.Settings.ScheduleVersion, rt.Descriptor.Version, attempt, retryAt);

    /// <summary>Claims an occurrence: open in the state first (a snapshot taken meanwhile carries it), then durable in the ledger.</summary>
    public async Task<bool> ClaimAsync(TaskRuntime rt, ClaimRecord claim)
    {
        lock (engine.Gate)
        {
            engine.State.Apply(claim);
        }

        bool claimed;
        try
        {
            claimed = await engine.Ledger.ClaimAsync(claim, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            claimed = false;
        }

        if (!claimed)
        {
            lock (engine.Gate)
            {
                rt.Running--;
                rt.State.OpenRuns.Remove(claim.RunId);
            }

            engine.Logger.ClaimFailed(rt.Id, claim.Occurrence);
        }

        return claimed;
    }

    /// <summary>Applies a skip to the state; the caller holds the lock and then calls <see cref="RecordSkipAsync"/>.</summary>
    public void Settle(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset, ScheduledRunOutcome outcome, int attempt = 1)
        => engine.State.Apply(Create(rt, occurrence, null, trigger, triggerOffset, outcome, occurrence, occurrence, null, attempt));

    public Task RecordSkipAsync(TaskRuntime rt, DateTimeOffset occurrence, ScheduledRunTrigger trigger, long? triggerOffset, ScheduledRunOutcome outcome, int attempt = 1)
    {
        var now = engine.Time.GetUtcNow();
        engine.Logger.RunSkipped(rt.Id, occurrence, outcome);
        RecurringMetrics.RecordOutcome(rt.Id, outcome, null);
        return RecordAsync(Create(rt, occurrence, null, trigger, triggerOffset, outcome, now, now, null, attempt));
    }

    /// <summary>Closes a finished run in the state, counts it and starts writing its record.</summary>
    public Task Finish(OutcomeRecord record)
    {
        lock (engine.Gate)
        {
            engine.State.Apply(record);
        }

        RecurringMetrics.RecordOutcome(record.TaskId, record.Outcome, record.End - record.Start);
        return RecordAsync(record);
    }

    /// <summary>Writes an outcome to the ledger; a failed write is logged, never thrown.</summary>
    public async Task RecordAsync(OutcomeRecord record)
    {
        bool ok;
        try
        {
            ok = await engine.Ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ok = false;
        }

        if (!ok)
        {
            engine.Logger.OutcomeNotRecorded(record.TaskId, record.Occurrence, record.Outcome);
        }
    }
}
