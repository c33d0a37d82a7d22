using Carillon.Protocol;
using Carillon.Recurring.Scheduling;
using Carillon.Recurring.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Carillon.Simulation;

/// <summary>
/// Runs a schedule registry in process without Kafka, on any <see cref="TimeProvider"/>, with the production engine:
/// the same decisions (DST, overlap, timeouts, retries, misfire, disabled state), claims and outcomes kept in memory.
/// Exclusive tasks run as on the schedule owner, the others as on every instance. Built for tests and tools:
/// <c>Carillon.Testing</c>'s <c>ScheduleSimulator</c> drives it with a simulated clock (docs/testing.md, issue 13).
/// </summary>
public sealed class InMemoryScheduleRunner : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly IScheduleRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly InMemoryScheduleRunnerOptions _options;
    private readonly ILogger _logger;
    private readonly List<ExecutionLogRecord> _outcomes = [];
    // Kept as values, made into SimulatedClaim objects only when read: a year of a minutely task keeps over half a
    // million, and each object fewer on the heap is less for the garbage collector to mark and move (issue 13).
    private readonly List<(string TaskId, DateTimeOffset Occurrence, int Attempt, ScheduledRunTrigger Trigger, DateTimeOffset ClaimedAt)> _claims = [];
    private Term? _term;
    private SnapshotRecord? _lastSnapshot;
    private long _commandOffset;
    private long _activity;
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private readonly SimulatedRunIds _runIds = new();

    /// <summary>Creates a runner; nothing runs before <see cref="Start"/>.</summary>
    /// <param name="registry">The tasks, usually the application's generated registry.</param>
    /// <param name="services">The application's services: each run gets its own scope.</param>
    /// <param name="time">The clock every timer waits on.</param>
    /// <param name="options">Identity and claim lead; defaults when null.</param>
    public InMemoryScheduleRunner(IScheduleRegistry registry, IServiceProvider services, TimeProvider time, InMemoryScheduleRunnerOptions? options = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _services = services ?? throw new ArgumentNullException(nameof(services));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new InMemoryScheduleRunnerOptions();
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger("Carillon.Simulation") ?? NullLogger.Instance;
    }

    /// <summary>Raised (on the engine's thread) after an outcome is recorded.</summary>
    public event Action<ExecutionLogRecord>? OutcomeRecorded;

    /// <summary>True between <see cref="Start"/> and <see cref="StopAsync"/>.</summary>
    public bool IsRunning => Volatile.Read(ref _term) is not null;

    /// <summary>Every outcome recorded so far, in the order recorded (one per attempt or skip); empty unless <see cref="InMemoryScheduleRunnerOptions.KeepHistory"/>.</summary>
    public IReadOnlyList<ExecutionLogRecord> Outcomes
    {
        get
        {
            lock (_gate)
            {
                return _outcomes.ToArray();
            }
        }
    }

    /// <summary>
    /// Every claim of an exclusive task so far, in order (non-exclusive tasks claim nothing, as in production); empty
    /// unless <see cref="InMemoryScheduleRunnerOptions.KeepHistory"/>.
    /// </summary>
    public IReadOnlyList<SimulatedClaim> Claims
    {
        get
        {
            lock (_gate)
            {
                return _claims.Select(c => new SimulatedClaim(c.TaskId, c.Occurrence, c.Attempt, c.Trigger, c.ClaimedAt)).ToArray();
            }
        }
    }

    /// <summary>A number that changes whenever the engine does something; equal readings around a check mean nothing moved.</summary>
    public long Activity => Interlocked.Read(ref _activity);

    /// <summary>
    /// True when every timer loop waits on the clock with its timer registered and no run, misfire or record the engine
    /// started is still going: nothing more happens until the clock moves. Exact, whatever the machine's load: the engine
    /// counts each piece of work (a retry or the next occurrence a run schedules, say) before the one that hands it on
    /// ends (issue 13).
    /// </summary>
    public bool IsIdle => Volatile.Read(ref _term) is not { } term || term.Observer.Idle;

    /// <summary>
    /// True when every timer loop waits on the clock and all that is left is scheduled methods in progress (whose own
    /// code may wait for their timeout, for the clock itself, or for something real): the engine does nothing more
    /// until one of them ends or the clock moves.
    /// </summary>
    public bool IsParked => Volatile.Read(ref _term) is not { } term || term.Observer.Parked;

    /// <summary>Waits until <see cref="Activity"/> may have changed, or <paramref name="timeout"/> elapsed.</summary>
    public Task WaitForActivityAsync(TimeSpan timeout) => _changed.WaitAsync(timeout);

    /// <summary>Waits until <see cref="IsParked"/> is true (at once if it is), or <paramref name="timeout"/> elapsed.</summary>
    /// <returns>True when parked; false when the timeout elapsed first.</returns>
    public async Task<bool> WaitUntilParkedAsync(TimeSpan timeout)
    {
        if (Volatile.Read(ref _term) is not { } term)
        {
            return true;
        }

        var parked = term.Observer.WhenParkedAsync();
        if (parked.IsCompleted)
        {
            return true;
        }

        try
        {
            await parked.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return IsParked;
        }
    }

    /// <summary>
    /// Starts an ownership term: on the first start every task is new (it runs from now on); after <see cref="StopAsync"/>
    /// it resumes from the state the previous term left, exactly as a new owner after a failover: open runs are recorded
    /// <c>Interrupted</c>, missed occurrences and due retries follow the misfire policy.
    /// </summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_term is not null)
            {
                throw new InvalidOperationException("The runner is already running.");
            }

            var state = _lastSnapshot is { } snapshot ? ScheduleState.FromSnapshot(snapshot) : new ScheduleState();
            _term = new Term(this, state);
        }

        _term.Start();
    }

    /// <summary>
    /// Ends the term as if the owner died: nothing more starts or is recorded by it (runs still going are abandoned
    /// and the next term records them <c>Interrupted</c>); the state is kept for the next <see cref="Start"/>.
    /// </summary>
    public async Task StopAsync()
    {
        Term? term;
        lock (_gate)
        {
            term = _term;
            _term = null;
        }

        if (term is not null)
        {
            _lastSnapshot = await term.StopAsync().ConfigureAwait(false);
            Touch();
        }
    }

    /// <summary>Applies an enable command, as <c>IScheduleCommands.EnableAsync</c> would (exclusive tasks only).</summary>
    public void Enable(string taskId) => Apply(ScheduleCommand.Enable, taskId);

    /// <summary>Applies a disable command (exclusive tasks only); the disabled state survives <see cref="StopAsync"/>/<see cref="Start"/>.</summary>
    public void Disable(string taskId) => Apply(ScheduleCommand.Disable, taskId);

    /// <summary>Applies a trigger command: the task runs now (trigger <c>Manual</c>), subject to overlap.</summary>
    public void Trigger(string taskId) => Apply(ScheduleCommand.Trigger, taskId);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    internal void Add(ClaimRecord claim, DateTimeOffset claimedAt)
    {
        if (_options.KeepHistory)
        {
            lock (_gate)
            {
                _claims.Add((claim.TaskId, claim.Occurrence, claim.Attempt, claim.Trigger, claimedAt));
            }
        }

        Touch();
    }

    internal void Add(OutcomeRecord outcome)
    {
        // The execution-log record only for someone to keep or see (issue 13: a long simulation without history).
        var recorded = OutcomeRecorded;
        var record = _options.KeepHistory || recorded is not null ? ExecutionLogRecord.From(outcome) : null;
        if (_options.KeepHistory)
        {
            lock (_gate)
            {
                _outcomes.Add(record!);
            }
        }

        Touch();
        recorded?.Invoke(record!);
    }

    private void Touch()
    {
        Interlocked.Increment(ref _activity);
        if (_changed.CurrentCount == 0)
        {
            _changed.Release();
        }
    }

    private void Apply(ScheduleCommand command, string taskId)
    {
        var term = Volatile.Read(ref _term) ?? throw new InvalidOperationException("Start the runner before sending commands.");
        if (!term.Apply(new CommandRecord(command, taskId, "simulation", _time.GetUtcNow()), Interlocked.Increment(ref _commandOffset)))
        {
            throw new ArgumentException($"No exclusive task '{taskId}' in the registry.", nameof(taskId));
        }

        Touch();
    }

    /// <summary>One ownership term: an engine for the exclusive tasks and one for the per-instance tasks.</summary>
    private sealed class Term
    {
        private readonly (ScheduleEngine Engine, SimulationLedger Ledger) _exclusive;
        private readonly (ScheduleEngine Engine, SimulationLedger Ledger) _local;

        public Term(InMemoryScheduleRunner runner, ScheduleState state)
        {
            // One count for both engines: one atomic reading says whether the whole term is at rest.
            Observer = new SimulationObserver(runner.Touch);
            var tasks = runner._registry.Tasks;
            _exclusive = Create(runner, Observer, state, tasks.Where(t => t.Exclusive), runner._options.ClaimLead, recordsClaims: true);
            _local = Create(runner, Observer, new ScheduleState(), tasks.Where(t => !t.Exclusive), TimeSpan.Zero, recordsClaims: false);
        }

        public SimulationObserver Observer { get; }

        public void Start()
        {
            _exclusive.Engine.Start();
            _local.Engine.Start();
        }

        public bool Apply(CommandRecord command, long offset) => _exclusive.Engine.Apply(command, offset);

        public async Task<SnapshotRecord> StopAsync()
        {
            // Fenced first, then the state is taken: a run finishing afterwards cannot close its claim (as in Kafka,
            // where the dead owner's outcome never commits) and the next term records it Interrupted.
            _exclusive.Ledger.Fence();
            _local.Ledger.Fence();
            var snapshot = _exclusive.Engine.CaptureSnapshot();
            await _exclusive.Engine.StopAsync(cancelRuns: false, TimeSpan.Zero).ConfigureAwait(false);
            await _local.Engine.StopAsync(cancelRuns: true, TimeSpan.Zero).ConfigureAwait(false);
            return snapshot;
        }

        private static (ScheduleEngine, SimulationLedger) Create(InMemoryScheduleRunner runner, SimulationObserver observer, ScheduleState state, IEnumerable<ScheduledTaskDescriptor> tasks, TimeSpan claimLead, bool recordsClaims)
        {
            var ledger = new SimulationLedger(runner, runner._time, recordsClaims);
            var engine = new ScheduleEngine(
                new EngineSettings(runner._options.InstanceId, runner._registry.Version, claimLead, runner._options.StartMethodsInline, runner._runIds.Next),
                tasks,
                state,
                ledger,
                runner._services,
                runner._time,
                runner._logger,
                observer);
            return (engine, ledger);
        }
    }
}
