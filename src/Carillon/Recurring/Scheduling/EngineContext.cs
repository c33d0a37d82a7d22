using System.Collections.Concurrent;
using Carillon.Recurring.State;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// What the parts of one <see cref="ScheduleEngine"/> share for one ownership term: the lock that guards the tasks and
/// the state, the stop signals, and the runs still in flight (awaited by a graceful stop).
/// </summary>
internal sealed class EngineContext(
    EngineSettings settings,
    ScheduleState state,
    IRunLedger ledger,
    IServiceProvider services,
    TimeProvider time,
    ILogger logger,
    IScheduleEngineObserver? observer)
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _runsCancelled = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();

    /// <summary>Guards <see cref="Tasks"/>' runtime fields, <see cref="State"/> and <see cref="Stopped"/>.</summary>
    public object Gate { get; } = new();

    public EngineSettings Settings { get; } = settings;

    public ScheduleState State { get; } = state;

    public IRunLedger Ledger { get; } = ledger;

    public IServiceProvider Services { get; } = services;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    public IScheduleEngineObserver? Observer { get; } = observer;

    public Dictionary<string, TaskRuntime> Tasks { get; } = new(StringComparer.Ordinal);

    /// <summary>Set (under <see cref="Gate"/>) once the engine stops: nothing starts from then on.</summary>
    public bool Stopped { get; set; }

    /// <summary>Cancelled when the engine stops: timers end, no new run starts.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Cancelled when a stop cancels the runs in progress (the token each method receives is linked to it).</summary>
    public CancellationToken RunsCancelled => _runsCancelled.Token;

    public Task CancelStoppingAsync() => _stopping.CancelAsync();

    public Task CancelRunsAsync() => _runsCancelled.CancelAsync();

    /// <summary>Keeps <paramref name="task"/> until it ends, so that a graceful stop can wait for it.</summary>
    public void Track(Task task)
    {
        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _inFlight, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task[] InFlight() => _inFlight.Keys.ToArray();

    private int _queuedRuns;

    /// <summary>Runs handed to the thread pool whose method has not started yet (the simulator never moves time past them).</summary>
    public int QueuedRuns => Volatile.Read(ref _queuedRuns);

    public void RunQueued() => Interlocked.Increment(ref _queuedRuns);

    public void RunStarted() => Interlocked.Decrement(ref _queuedRuns);

    /// <summary>True while a run, misfire or record this engine started has not ended.</summary>
    public bool HasInFlight => !_inFlight.IsEmpty;
}
