using System.Collections.Concurrent;
using Carillon.Protocol;
using Carillon.Recurring.State;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// The scheduling core, free of Kafka: for each task it computes the next occurrence with Cronos, waits on a
/// <see cref="TimeProvider"/> timer until shortly before it (the claim lead), decides (disabled, version, overlap),
/// claims through the <see cref="IRunLedger"/>, starts the method on time and records the outcome. One engine lives for
/// one ownership term; stopping it stops every new start at once.
/// </summary>
internal sealed partial class ScheduleEngine
{
    /// <summary>How far another instance's clock may run ahead of this one's; see <see cref="Start"/>.</summary>
    internal static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(1);

    private readonly object _gate = new();
    private readonly EngineSettings _settings;
    private readonly ScheduleState _state;
    private readonly IRunLedger _ledger;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, TaskRuntime> _tasks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _runsCancelled = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private bool _stopped;
    private int _timerWaits;

    public ScheduleEngine(
        EngineSettings settings,
        IEnumerable<ScheduledTaskDescriptor> tasks,
        ScheduleState state,
        IRunLedger ledger,
        IServiceProvider services,
        TimeProvider time,
        ILogger logger)
    {
        _settings = settings;
        _state = state;
        _ledger = ledger;
        _services = services;
        _time = time;
        _logger = logger;
        foreach (var descriptor in tasks)
        {
            CronSchedule? cron = null;
            try
            {
                cron = CronSchedule.Parse(descriptor.Cron, descriptor.TimeZone);
            }
            catch (Exception e) when (e is Cronos.CronFormatException or TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
            {
                logger.InvalidSchedule(e, descriptor.Id, descriptor.Cron, descriptor.TimeZone);
            }

            _tasks[descriptor.Id] = new TaskRuntime(descriptor, cron, state.GetOrAdd(descriptor.Id));
        }
    }

    public bool IsStopped
    {
        get { lock (_gate) { return _stopped; } }
    }

    /// <summary>Timer waits in progress (tests use it to know that every loop is parked before moving a fake clock).</summary>
    internal int TimerWaits => Volatile.Read(ref _timerWaits);

    /// <summary>Tasks with a valid schedule, each with its own timer loop.</summary>
    internal int LoopCount => _tasks.Values.Count(t => t.Cron is not null);

    /// <summary>Runs whose method has not returned yet.</summary>
    public int RunningCount
    {
        get { lock (_gate) { return _tasks.Values.Sum(t => t.Running); } }
    }

    /// <summary>
    /// Starts the term: records open claims as Interrupted, settles versions and misfires, applies pending triggers,
    /// then starts one timer loop per task.
    /// </summary>
    public void Start()
    {
        var now = _time.GetUtcNow();
        var interrupted = new List<OutcomeRecord>();
        var misfires = new List<(TaskRuntime Task, DateTimeOffset Occurrence)>();
        List<PendingTrigger> triggers;
        lock (_gate)
        {
            foreach (var rt in _tasks.Values)
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
                    interrupted.Add(Outcome(rt, open.Occurrence, open.RunId, open.Trigger, open.TriggerOffset, ScheduledRunOutcome.Interrupted, now, now, null));
                }

                if (state.LastOccurrence is { } ahead && ahead > now + _settings.ClaimLead + MaxClockSkew)
                {
                    // No owner claims further ahead than the claim lead (manual triggers claim "now"), so this came
                    // from a forged record or a badly wrong clock. Honouring it would silence the task until then
                    // (year 9999: forever, issue 8); the cursor restarts at now instead, without a misfire run.
                    _logger.ImplausibleOccurrence(rt.Id, ahead, now);
                    RecurringMetrics.RecordInvalid("future_occurrence");
                    state.LastOccurrence = now;
                }

                if (state.LastOccurrence is not { } last)
                {
                    // A task seen for the first time does not run occurrences from before it was first seen.
                    rt.Cursor = now;
                    state.LastOccurrence = now;
                    continue;
                }

                rt.Cursor = last;
                if (rt.Cron?.Latest(last, now) is { } missed)
                {
                    rt.Cursor = missed;
                    if (rt.Descriptor.Misfire == MisfirePolicy.RunOnce)
                    {
                        misfires.Add((rt, missed));
                    }
                    else
                    {
                        state.LastOccurrence = missed;
                        _logger.MisfireSkip(rt.Id, missed);
                    }
                }
            }

            triggers = [.. _state.PendingTriggers];
        }

        foreach (var record in interrupted)
        {
            _logger.Interrupted(record.TaskId, record.Occurrence, record.Trigger);
            RecurringMetrics.RecordOutcome(record.TaskId, record.Outcome, null);
            Track(RecordOrLogAsync(record));
        }

        foreach (var (rt, occurrence) in misfires)
        {
            _logger.MisfireRun(rt.Id, occurrence);
            Track(FireAsync(rt, occurrence, ScheduledRunTrigger.Misfire, null));
        }

        foreach (var trigger in triggers)
        {
            if (_tasks.TryGetValue(trigger.TaskId, out var rt))
            {
                Track(FireAsync(rt, now, ScheduledRunTrigger.Manual, trigger.Offset));
            }
        }

        foreach (var rt in _tasks.Values)
        {
            if (rt.Cron is not null)
            {
                _ = Task.Run(() => LoopAsync(rt), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Stops starting runs at once. With <paramref name="cancelRuns"/> the tokens of runs in progress are cancelled and
    /// they get <paramref name="grace"/> to finish and have their outcome recorded.
    /// </summary>
    public async Task StopAsync(bool cancelRuns, TimeSpan grace)
    {
        lock (_gate)
        {
            if (_stopped && !cancelRuns)
            {
                return;
            }

            _stopped = true;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (cancelRuns)
        {
            await _runsCancelled.CancelAsync().ConfigureAwait(false);
        }

        var pending = _inFlight.Keys.ToArray();
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
        lock (_gate)
        {
            _state.AppliedThrough = Math.Max(_state.AppliedThrough, offset);
        }
    }

    /// <summary>Applies a command read from the schedules topic (the owner applies them in log order).</summary>
    public bool Apply(CommandRecord command, long offset)
    {
        var now = _time.GetUtcNow();
        var fire = new List<TaskRuntime>();
        lock (_gate)
        {
            _state.AppliedThrough = Math.Max(_state.AppliedThrough, offset);
            if (!StateReplayer.Apply(_state, offset, command, _tasks.ContainsKey))
            {
                return false;
            }

            if (command.Command == ScheduleCommand.Trigger)
            {
                fire.AddRange(command.TaskId == IScheduleCommands.AllTasks ? _tasks.Values : [_tasks[command.TaskId]]);
            }
        }

        _logger.CommandApplied(command.TaskId, command.Command.ToString(), offset);
        foreach (var rt in fire)
        {
            Track(FireAsync(rt, now, ScheduledRunTrigger.Manual, offset));
        }

        return true;
    }

    /// <summary>A consistent copy of the state, for the snapshot record.</summary>
    public SnapshotRecord CaptureSnapshot()
    {
        lock (_gate)
        {
            return _state.ToSnapshot(_settings.ScheduleVersion, _settings.InstanceId, _time.GetUtcNow(), id => _tasks.TryGetValue(id, out var t) ? t.Descriptor.Enabled : true);
        }
    }

    /// <summary>A task's current state (tests and health).</summary>
    public (bool Enabled, DateTimeOffset Cursor, ScheduledRunOutcome? LastOutcome, int Running) Inspect(string taskId)
    {
        lock (_gate)
        {
            var rt = _tasks[taskId];
            return (rt.Enabled, rt.Cursor, rt.State.LastOutcome, rt.Running);
        }
    }

    private async Task LoopAsync(TaskRuntime rt)
    {
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                DateTimeOffset cursor;
                lock (_gate)
                {
                    cursor = rt.Cursor;
                }

                if (rt.Cron!.Next(cursor) is not { } next)
                {
                    return;
                }

                var now = _time.GetUtcNow();
                if (next < now && rt.Cron.Latest(cursor, now) is { } latest && latest > next)
                {
                    // The timer fired very late (suspended process, starved machine): run the latest due occurrence
                    // once rather than a burst of stale ones.
                    _logger.Coalesced(rt.Id, next, latest);
                    next = latest;
                }

                var wake = next - _settings.ClaimLead;
                if (wake > now)
                {
                    await WaitAsync(wake - now, token).ConfigureAwait(false);
                }

                await FireAsync(rt, next, ScheduledRunTrigger.Schedule, null).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken token)
    {
        Interlocked.Increment(ref _timerWaits);
        try
        {
            await Task.Delay(delay, _time, token).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _timerWaits);
        }
    }

    private void Track(Task task)
    {
        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _inFlight, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private OutcomeRecord Outcome(TaskRuntime rt, DateTimeOffset occurrence, string? runId, ScheduledRunTrigger trigger, long? triggerOffset, ScheduledRunOutcome outcome, DateTimeOffset start, DateTimeOffset end, Exception? error)
        => new(rt.Id, occurrence, runId, _settings.InstanceId, trigger, triggerOffset, outcome, start, end, error?.GetType().FullName, error?.Message, _settings.ScheduleVersion, rt.Descriptor.Version);

    private async Task RecordOrLogAsync(OutcomeRecord record)
    {
        bool ok;
        try
        {
            ok = await _ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ok = false;
        }

        if (!ok)
        {
            _logger.OutcomeNotRecorded(record.TaskId, record.Occurrence, record.Outcome);
        }
    }
}
