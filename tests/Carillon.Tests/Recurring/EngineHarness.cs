using System.Collections.Concurrent;
using Carillon.Recurring.Scheduling;
using Carillon.Recurring.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Carillon.Tests.Recurring;

/// <summary>An in-memory ledger: claims and outcomes in order, optionally refusing claims.</summary>
internal sealed class InMemoryLedger : IRunLedger
{
    public ConcurrentQueue<ClaimRecord> Claims { get; } = new();

    public ConcurrentQueue<OutcomeRecord> Outcomes { get; } = new();

    public bool RefuseClaims { get; set; }

    public ValueTask<bool> ClaimAsync(ClaimRecord claim, CancellationToken cancellationToken)
    {
        if (RefuseClaims)
        {
            return ValueTask.FromResult(false);
        }

        Claims.Enqueue(claim);
        return ValueTask.FromResult(true);
    }

    public ValueTask<bool> RecordAsync(OutcomeRecord outcome, CancellationToken cancellationToken)
    {
        Outcomes.Enqueue(outcome);
        return ValueTask.FromResult(true);
    }

    public IReadOnlyList<OutcomeRecord> OutcomesOf(string task, ScheduledRunOutcome? outcome = null)
        => Outcomes.Where(o => o.TaskId == task && (outcome is null || o.Outcome == outcome)).ToList();
}

/// <summary>Counts an engine's live timer loops and parked waits (see <see cref="IScheduleEngineObserver"/>).</summary>
internal sealed class EngineProbe : IScheduleEngineObserver
{
    private int _loops;
    private int _waits;
    private volatile bool _stopped;

    public bool IsStopped => _stopped;

    /// <summary>True when every live loop waits on a timer: nothing is due before the next one fires.</summary>
    public bool Parked => Volatile.Read(ref _waits) >= Volatile.Read(ref _loops);

    public void LoopStarted() => Interlocked.Increment(ref _loops);

    public void LoopEnded() => Interlocked.Decrement(ref _loops);

    public void WaitStarted() => Interlocked.Increment(ref _waits);

    public void WaitEnded() => Interlocked.Decrement(ref _waits);

    public void Stopped() => _stopped = true;
}

/// <summary>Builds engines on a <see cref="FakeTimeProvider"/> and steps time until something happened.</summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    private readonly List<(ScheduleEngine Engine, EngineProbe Probe)> _engines = [];

    public EngineHarness(DateTimeOffset start, Action<IServiceCollection>? services = null)
    {
        Time = new FakeTimeProvider(start);
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        Services = collection.BuildServiceProvider();
    }

    public FakeTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public InMemoryLedger Ledger { get; } = new();

    public ConcurrentQueue<ScheduledActionContext> Runs { get; } = new();

    public static ScheduledTaskDescriptor Task(
        string id,
        string cron,
        ScheduledTaskInvoker? invoker = null,
        string? timeZone = null,
        bool allowOverlap = false,
        int timeoutSeconds = 0,
        bool enabled = true,
        MisfirePolicy misfire = MisfirePolicy.RunOnce,
        string version = "1.0.0")
        => new(id, cron, timeZone, allowOverlap, timeoutSeconds, exclusive: true, enabled, misfire, version, "Tests.Jobs", id, invoker ?? ((_, _, _) => ValueTask.CompletedTask));

    /// <summary>A descriptor whose runs are recorded in <see cref="Runs"/> before <paramref name="body"/> runs.</summary>
    public ScheduledTaskDescriptor Recorded(string id, string cron, Func<ScheduledActionContext, CancellationToken, ValueTask>? body = null, string? timeZone = null, bool allowOverlap = false, int timeoutSeconds = 0, bool enabled = true, MisfirePolicy misfire = MisfirePolicy.RunOnce, string version = "1.0.0")
        => Task(id, cron, (_, ctx, ct) =>
        {
            Runs.Enqueue(ctx);
            return body?.Invoke(ctx, ct) ?? ValueTask.CompletedTask;
        }, timeZone, allowOverlap, timeoutSeconds, enabled, misfire, version);

    public ScheduleEngine Start(ScheduleState state, params ScheduledTaskDescriptor[] tasks) => Start(state, "1.0.0", tasks);

    public ScheduleEngine Start(ScheduleState state, string scheduleVersion, params ScheduledTaskDescriptor[] tasks)
    {
        var probe = new EngineProbe();
        var engine = new ScheduleEngine(
            new EngineSettings("test-instance", scheduleVersion, TimeSpan.FromMilliseconds(200)),
            tasks,
            state,
            Ledger,
            Services,
            Time,
            NullLogger.Instance,
            probe);
        _engines.Add((engine, probe));
        engine.Start();
        return engine;
    }

    /// <summary>True once <paramref name="engine"/> stopped starting runs.</summary>
    public bool IsStopped(ScheduleEngine engine) => _engines.Single(e => e.Engine == engine).Probe.IsStopped;

    public IReadOnlyList<ScheduledActionContext> RunsOf(string task) => Runs.Where(r => r.TaskId == task).ToList();

    /// <summary>
    /// Advances fake time by <paramref name="step"/> until <paramref name="condition"/> holds, yielding real time between
    /// steps so the engine's continuations run; fails after <paramref name="max"/> of fake time.
    /// </summary>
    public async Task StepUntilAsync(Func<bool> condition, TimeSpan step, TimeSpan max)
    {
        var deadline = Time.GetUtcNow() + max;
        var realDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(Time.GetUtcNow() < deadline, $"Condition not met within {max} of fake time (now {Time.GetUtcNow():o}).");
            Assert.True(DateTime.UtcNow < realDeadline, "Condition not met within 30 s of real time.");
            await Settle();
            if (condition())
            {
                return;
            }

            Time.Advance(step);
        }
    }

    /// <summary>Advances fake time to <paramref name="until"/> in steps, letting the engine act at every step.</summary>
    public async Task StepToAsync(DateTimeOffset until, TimeSpan step)
    {
        while (Time.GetUtcNow() < until)
        {
            await Settle();
            var left = until - Time.GetUtcNow();
            Time.Advance(left < step ? left : step);
        }

        await Settle();
    }

    /// <summary>Polls in real time (no fake-time movement) until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for: " + what);
            await System.Threading.Tasks.Task.Delay(5);
        }
    }

    private async Task Settle()
    {
        // Before the clock moves, every running engine's loops must be parked on a timer: then everything due before
        // the next timer (claims, skips, records) has happened, and no occurrence can be overtaken by the fake clock.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline && _engines.Any(e => !e.Probe.IsStopped && !e.Probe.Parked))
        {
            await System.Threading.Tasks.Task.Delay(1);
        }

        // Lets other thread-pool continuations (method bodies, outcome records) run.
        for (var i = 0; i < 2; i++)
        {
            await System.Threading.Tasks.Task.Delay(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (engine, _) in _engines)
        {
            await engine.StopAsync(cancelRuns: true, TimeSpan.FromSeconds(1));
        }

        await Services.DisposeAsync();
    }
}
