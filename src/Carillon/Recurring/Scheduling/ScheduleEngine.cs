using Carillon.Protocol;
using Carillon.Recurring.State;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// The scheduling core, free of Kafka, for one ownership term. Its parts, by role:
/// <see cref="TermOpening"/> settles the inherited state (versions, interrupted claims, misfires);
/// <see cref="OccurrenceLoop"/> waits for each task's next occurrence; <see cref="OccurrenceDecider"/> decides it
/// (disabled, version, overlap) and claims it; <see cref="RetryScheduler"/> waits for pending retries; <see cref="RunInvoker"/> runs the method (scope, timeout, span,
/// exception handlers); <see cref="OutcomeRecorder"/> applies claims and outcomes to the state and the
/// <see cref="IRunLedger"/>. Stopping the engine stops every new start at once.
/// </summary>
internal sealed class ScheduleEngine
{
    private readonly EngineContext _engine;
    private readonly OccurrenceDecider _decider;
    private readonly OccurrenceLoop _loop;
    private readonly OutcomeRecorder _outcomes;
    private readonly RetryScheduler _retries;

    public ScheduleEngine(
        EngineSettings settings,
        IEnumerable<ScheduledTaskDescriptor> tasks,
        ScheduleState state,
        IRunLedger ledger,
        IServiceProvider services,
        TimeProvider time,
        ILogger logger,
        IScheduleEngineObserver? observer = null)
    {
        _engine = new EngineContext(settings, state, ledger, services, time, logger, observer);
        var timers = new EngineTimers(_engine);
        _outcomes = new OutcomeRecorder(_engine);
        _decider = new OccurrenceDecider(_engine, timers, _outcomes);
        _retries = new RetryScheduler(_engine, timers, _decider);
        _decider.Runs = new RunInvoker(_engine, _outcomes, _retries);
        _loop = new OccurrenceLoop(_engine, timers, _decider);
        foreach (var descriptor in tasks)
        {
            CronSchedule? cron = null;
            try
            {
                cron = CronSchedule.Parse(descriptor.Cron, descriptor.TimeZone);
            }
            catch (Exception e) when (CronSchedule.IsParseError(e))
            {
                logger.InvalidSchedule(e, descriptor.Id, descriptor.Cron, descriptor.TimeZone);
            }

            _engine.Tasks[descriptor.Id] = new TaskRuntime(descriptor, cron, state.GetOrAdd(descriptor.Id));
        }
    }

    /// <summary>
    /// Starts the term: records open claims as Interrupted, settles versions and misfires, applies pending triggers,
    /// then starts one timer loop per task.
    /// </summary>
    public void Start()
    {
        var now = _engine.Time.GetUtcNow();
        var plan = TermOpening.Settle(_engine, _outcomes, now);
        foreach (var record in plan.Interrupted)
        {
            _engine.Logger.Interrupted(record.TaskId, record.Occurrence, record.Trigger);
            RecurringMetrics.RecordOutcome(record.TaskId, record.Outcome, null);
            _engine.Track(() => _outcomes.RecordAsync(record));
        }

        foreach (var (rt, occurrence) in plan.Misfires)
        {
            _engine.Logger.MisfireRun(rt.Id, occurrence);
            _engine.Track(() => _decider.FireAsync(rt, occurrence, ScheduledRunTrigger.Misfire, null));
        }

        foreach (var (rt, retry) in plan.Retries)
        {
            _engine.Logger.RetryInherited(rt.Id, retry.Attempt, retry.Occurrence, retry.DueAt);
            _retries.Start(rt, retry);
        }

        foreach (var trigger in plan.Triggers)
        {
            if (_engine.Tasks.TryGetValue(trigger.TaskId, out var rt))
            {
                _engine.Track(() => _decider.FireAsync(rt, now, ScheduledRunTrigger.Manual, trigger.Offset));
            }
        }

        foreach (var rt in _engine.Tasks.Values)
        {
            if (rt.Cron is not null)
            {
                _loop.Start(rt);
            }
        }
    }

    /// <summary>
    /// Stops starting runs at once. With <paramref name="cancelRuns"/> the tokens of runs in progress are cancelled and
    /// they get <paramref name="grace"/> to finish and have their outcome recorded.
    /// </summary>
    public async Task StopAsync(bool cancelRuns, TimeSpan grace)
    {
        lock (_engine.Gate)
        {
            if (_engine.Stopped && !cancelRuns)
            {
                return;
            }

            _engine.Stopped = true;
        }

        _engine.Observer?.Stopped();
        await _engine.CancelStoppingAsync().ConfigureAwait(false);
        if (cancelRuns)
        {
            await _engine.CancelRunsAsync().ConfigureAwait(false);
        }

        var pending = _engine.InFlight();
        if (pending.Length > 0 && grace > TimeSpan.Zero)
        {
            try
            {
                // Real time on purpose: a shutdown grace must elapse even under a test's frozen clock.
                await Task.WhenAll(pending).WaitAsync(grace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Runs still going are left to the next owner, which records them Interrupted.
            }
        }
    }

    /// <summary>Notes that every schedules record up to <paramref name="offset"/> is reflected in the state.</summary>
    public void MarkApplied(long offset)
    {
        lock (_engine.Gate)
        {
            _engine.State.AppliedThrough = Math.Max(_engine.State.AppliedThrough, offset);
        }
    }

    /// <summary>Applies a command read from the schedules topic (the owner applies them in log order).</summary>
    public bool Apply(CommandRecord command, long offset)
    {
        var now = _engine.Time.GetUtcNow();
        var fire = new List<TaskRuntime>();
        lock (_engine.Gate)
        {
            var state = _engine.State;
            state.AppliedThrough = Math.Max(state.AppliedThrough, offset);
            if (!StateReplayer.Apply(state, offset, command, _engine.Tasks.ContainsKey))
            {
                return false;
            }

            if (command.Command == ScheduleCommand.Trigger)
            {
                fire.AddRange(command.TaskId == IScheduleCommands.AllTasks ? _engine.Tasks.Values : [_engine.Tasks[command.TaskId]]);
            }
        }

        _engine.Logger.CommandApplied(command.TaskId, command.Command.ToString(), offset);
        foreach (var rt in fire)
        {
            _engine.Track(() => _decider.FireAsync(rt, now, ScheduledRunTrigger.Manual, offset));
        }

        return true;
    }

    /// <summary>A consistent copy of the state, for the snapshot record.</summary>
    public SnapshotRecord CaptureSnapshot()
    {
        lock (_engine.Gate)
        {
            var settings = _engine.Settings;
            return _engine.State.ToSnapshot(settings.ScheduleVersion, settings.InstanceId, _engine.Time.GetUtcNow(), id => _engine.Tasks.TryGetValue(id, out var t) ? t.Descriptor.Enabled : true);
        }
    }
}
