using Carillon.Monitoring;

namespace Carillon.Dashboard.Tests.Doubles;

/// <summary>A read model whose views the test sets: the dashboard is tested against the public contract only.</summary>
public sealed class FakeScheduleMonitor : IScheduleMonitor
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private ScheduleView _schedule = new() { AsOf = Now, Tasks = [] };
    private List<RunView> _runs = [];
    private long _version;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DelayedView Delayed { get; set; } = new() { AsOf = Now, Partitions = [] };

    public List<DeadLetterView> DeadLetters { get; } = [];

    public void SetSchedule(ScheduleView schedule)
    {
        lock (_gate)
        {
            _schedule = schedule;
        }

        Changed();
    }

    public void AddRun(RunView run)
    {
        lock (_gate)
        {
            _runs = [run, .. _runs];
        }

        Changed();
    }

    public long ChangeVersion => Interlocked.Read(ref _version);

    public async Task<long> WaitForChangeAsync(long knownVersion, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_version != knownVersion)
                {
                    return _version;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private void Changed()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            _version++;
            done = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }

    public Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public ScheduleView GetSchedule()
    {
        lock (_gate)
        {
            return _schedule;
        }
    }

    public TaskView? GetTask(string taskId) => GetSchedule().Tasks.FirstOrDefault(t => t.Id == taskId);

    public IReadOnlyList<RunView> GetRecentRuns(string taskId, int max = 50)
    {
        lock (_gate)
        {
            return _runs.Where(r => taskId == "*" || r.TaskId == taskId).Take(max).ToList();
        }
    }

    public DelayedView GetDelayed() => Delayed;

    public IReadOnlyList<DeadLetterView> GetDeadLetters(int max = 100) => DeadLetters.Take(max).ToList();

    /// <summary>A schedule owned by "worker-1" with the given tasks, enabled, every minute in Europe/Paris.</summary>
    public static ScheduleView ScheduleOf(params TaskView[] tasks) => new()
    {
        AsOf = Now,
        OwnerInstance = "worker-1",
        OwnerSince = Now.AddHours(-1),
        ScheduleVersion = "1.0.0",
        StandbyCount = 1,
        Tasks = tasks,
    };

    public static TaskView TaskOf(string id, bool enabled = true, RunView? lastRun = null, int missed = 0) => new()
    {
        Id = id,
        Cron = "* * * * *",
        TimeZone = "Europe/Paris",
        Enabled = enabled,
        Timeout = TimeSpan.FromSeconds(30),
        Version = "1.0.0",
        NextOccurrence = Now.AddMinutes(1),
        LastRun = lastRun,
        MissedOccurrences = missed,
    };

    public static RunView Run(string taskId, DateTimeOffset occurrence, ScheduledRunOutcome outcome = ScheduledRunOutcome.Succeeded, string? error = null) => new()
    {
        TaskId = taskId,
        Occurrence = occurrence,
        Start = occurrence.AddMilliseconds(40),
        Duration = TimeSpan.FromMilliseconds(250),
        Outcome = outcome,
        Trigger = ScheduledRunTrigger.Schedule,
        Instance = "worker-1",
        ErrorType = error is null ? null : "System.InvalidOperationException",
        ErrorMessage = error,
    };
}
