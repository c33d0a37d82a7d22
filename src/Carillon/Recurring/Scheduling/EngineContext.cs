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

    /// <summary>
    /// Starts a piece of work and keeps it until it ends, so that a graceful stop can wait for it. Counted by the
    /// observer before it starts: whatever it hands on (a run's method, a retry) is counted while it still is.
    /// </summary>
    public void Track(Func<Task> start) => Track(static s => s(), start);

    /// <summary>
    /// <see cref="Track(Func{Task})"/> with the state passed through: a static lambda and a value-tuple state allocate no
    /// closure or delegate, which a run's start does once per occurrence (the simulator's year, issue 13).
    /// </summary>
    public void Track<TState>(Func<TState, Task> start, TState state)
    {
        Observer?.WorkStarted();
        Task task;
        try
        {
            task = start(state);
        }
        catch
        {
            Observer?.WorkEnded();
            throw;
        }

        if (task.IsCompleted)
        {
            // Already over (a run whose method and records completed synchronously, as under the simulator): what the
            // continuation below would do at once, without registering it and the task.
            Observer?.WorkEnded();
            return;
        }

        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(
            static (t, s) =>
            {
                var engine = (EngineContext)s!;
                engine._inFlight.TryRemove(t, out _);
                engine.Observer?.WorkEnded();
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public Task[] InFlight() => _inFlight.Keys.ToArray();

}
