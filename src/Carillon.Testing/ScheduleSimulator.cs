using System.Diagnostics;
using Carillon.Protocol;
using Carillon.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Carillon.Testing;

/// <summary>
/// Runs an application's schedule — its generated registry, with its own services — on a <see cref="SimulatedClock"/>
/// and in memory (no Kafka), with the production engine. <see cref="AdvanceToAsync"/> moves the clock from one due
/// timer to the next, letting the schedule come to rest at each, so every occurrence in between runs in order, with
/// DST, overlap, timeouts, retries, misfire and disabled state as in production. See docs/testing.md (issue 13).
/// </summary>
/// <example>
/// <code>
/// await using var sim = ScheduleSimulator.Start(new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.Zero), s => s.AddMyApp());
/// var runs = await sim.AdvanceByAsync(TimeSpan.FromDays(3));
/// Assert.Equal(3, runs.Count(r => r.Task == "ReportsController.NightlyReport"));
/// </code>
/// </example>
public sealed class ScheduleSimulator : IAsyncDisposable
{
    private readonly ScheduleSimulatorOptions _options;
    private readonly ServiceProvider _provider;
    private int _reported;

    private ScheduleSimulator(SimulatedClock clock, ServiceProvider provider, RecordingDelayedMessagePublisher publisher, ScheduleSimulatorOptions options)
    {
        Clock = clock;
        _provider = provider;
        DelayedMessages = publisher;
        _options = options;
        Registry = provider.GetRequiredService<IScheduleRegistry>();
        Runner = new InMemoryScheduleRunner(Registry, provider, clock, new InMemoryScheduleRunnerOptions { InstanceId = options.InstanceId, ClaimLead = options.ClaimLead, StartMethodsInline = options.StartMethodsInline, KeepHistory = options.KeepHistory });
    }

    /// <summary>The simulated clock; the application's <see cref="TimeProvider"/> service is this clock.</summary>
    public SimulatedClock Clock { get; }

    /// <summary>The application's services (with the clock and <see cref="DelayedMessages"/> in place of the real ones).</summary>
    public IServiceProvider Services => _provider;

    /// <summary>The registry the application registered (its generated one).</summary>
    public IScheduleRegistry Registry { get; }

    /// <summary>The application's <see cref="IDelayedMessagePublisher"/>: records messages and delivers them as the clock passes their time.</summary>
    public RecordingDelayedMessagePublisher DelayedMessages { get; }

    /// <summary>The engine host: claims, outcomes, commands (<c>Disable</c>, <c>Enable</c>, <c>Trigger</c>), owner stop and restart.</summary>
    public InMemoryScheduleRunner Runner { get; }

    /// <summary>Every outcome so far, in the order recorded; empty unless <see cref="ScheduleSimulatorOptions.KeepHistory"/>.</summary>
    public IReadOnlyList<ExecutionLogRecord> Outcomes => Runner.Outcomes;

    /// <summary>
    /// Builds the application's container with <paramref name="configureServices"/> (call the application's own
    /// registration, e.g. <c>AddGeneratedSchedules()</c>), replaces its <see cref="TimeProvider"/> with a
    /// <see cref="SimulatedClock"/> at <paramref name="start"/> and its <see cref="IDelayedMessagePublisher"/> with a
    /// <see cref="RecordingDelayedMessagePublisher"/>, and starts the schedule. Logging and options are registered first,
    /// as a host would. Nothing hosted is started: no Kafka.
    /// As in production, tasks start from now: occurrences before <paramref name="start"/> do not run.
    /// </summary>
    public static ScheduleSimulator Start(DateTimeOffset start, Action<IServiceCollection> configureServices, ScheduleSimulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        var clock = new SimulatedClock(start);
        var publisher = new RecordingDelayedMessagePublisher(clock);
        var services = new ServiceCollection();

        // What a host would have registered before the application's own registrations: logging (no provider unless
        // the application adds one) and options.
        services.AddLogging();
        services.AddOptions();
        configureServices(services);
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(clock);
        services.RemoveAll<IDelayedMessagePublisher>();
        services.AddSingleton<IDelayedMessagePublisher>(publisher);
        var provider = services.BuildServiceProvider();
        var simulator = new ScheduleSimulator(clock, provider, publisher, options ?? new ScheduleSimulatorOptions());
        simulator.Runner.Start();
        return simulator;
    }

    /// <summary>
    /// Moves the clock to <paramref name="time"/>, stopping at every due timer and delayed message on the way and
    /// letting the schedule come to rest at each.
    /// </summary>
    /// <returns>
    /// The outcomes recorded since the previous move ended, in order: those of the move, and of whatever ran between the
    /// two moves (a restart's misfire, a trigger), which may already have run when the call that caused it returned.
    /// Empty unless <see cref="ScheduleSimulatorOptions.KeepHistory"/>.
    /// </returns>
    public async Task<IReadOnlyList<ExecutionLogRecord>> AdvanceToAsync(DateTimeOffset time)
    {
        while (true)
        {
            await SettleAsync().ConfigureAwait(false);
            DelayedMessages.DeliverDue();
            var next = Earliest(Clock.NextDue, DelayedMessages.NextDue);
            if (next is not { } step || step > time)
            {
                break;
            }

            Clock.AdvanceTo(step);
        }

        Clock.AdvanceTo(time);
        await SettleAsync().ConfigureAwait(false);
        DelayedMessages.DeliverDue();
        var outcomes = Runner.Outcomes;
        var moved = outcomes.Skip(_reported).ToArray();
        _reported = outcomes.Count;
        return moved;
    }

    /// <summary>Moves the clock by <paramref name="delta"/>; see <see cref="AdvanceToAsync"/>.</summary>
    public Task<IReadOnlyList<ExecutionLogRecord>> AdvanceByAsync(TimeSpan delta) => AdvanceToAsync(Clock.GetUtcNow() + delta);

    /// <summary>
    /// Runs one task now, directly, with the application's services in a new scope (like a tool or a test calling the
    /// method): no claim, no schedule, no outcome record. Exceptions of the method propagate.
    /// </summary>
    /// <param name="taskId">The task ID.</param>
    /// <param name="occurrence">The occurrence the context carries; the clock's time when null.</param>
    /// <param name="cancellationToken">The token the method receives.</param>
    /// <returns>The context the method received.</returns>
    public async Task<ScheduledActionContext> RunTaskAsync(string taskId, DateTimeOffset? occurrence = null, CancellationToken cancellationToken = default)
    {
        if (!Registry.TryGetTask(taskId, out var task))
        {
            throw new ArgumentException($"No task '{taskId}' in the registry.", nameof(taskId));
        }

        var now = Clock.GetUtcNow();
        var context = new ScheduledActionContext(task.Id, occurrence ?? now, now, _options.InstanceId, ScheduledRunTrigger.Manual);
        var scope = _provider.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            await task.InvokeAsync(scope.ServiceProvider, context, cancellationToken).ConfigureAwait(false);
        }

        return context;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync().ConfigureAwait(false);
        await _provider.DisposeAsync().ConfigureAwait(false);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>
    /// Waits until nothing more happens before the clock moves. The engine's own work is counted exactly (every loop
    /// parked on a registered timer, nothing in flight: <see cref="InMemoryScheduleRunner.IsIdle"/>), so that rest is
    /// recognized without any real-time wait, whatever the machine's load. Only a scheduled method still in progress
    /// cannot be seen through (it may wait for the clock, its timeout or something real): the clock moves on without it
    /// once nothing happened for <see cref="ScheduleSimulatorOptions.RunSettleTime"/> (issue 13).
    /// </summary>
    private Task SettleAsync() => Runner.IsIdle ? Task.CompletedTask : SettleSlowAsync();

    private async Task SettleSlowAsync()
    {
        var watch = Stopwatch.StartNew();
        while (!Runner.IsIdle)
        {
            if (!Runner.IsParked)
            {
                // Engine work in progress: a short spin first (a step is usually a few microseconds on another thread),
                // then a wait for the count, never a guess from the wall clock.
                var spinner = default(SpinWait);
                while (!Runner.IsParked && !spinner.NextSpinWillYield)
                {
                    spinner.SpinOnce();
                }

                if (!Runner.IsParked && !await Runner.WaitUntilParkedAsync(Remaining(watch)).ConfigureAwait(false))
                {
                    throw NotAtRest();
                }

                continue;
            }

            // Only methods in progress are left: wait for one to end, or for RunSettleTime of nothing at all.
            var activity = Runner.Activity;
            var quietSince = watch.Elapsed;
            while (Runner.IsParked && !Runner.IsIdle && Runner.Activity == activity && watch.Elapsed - quietSince < _options.RunSettleTime)
            {
                await Runner.WaitForActivityAsync(_options.RunSettleTime - (watch.Elapsed - quietSince)).ConfigureAwait(false);
            }

            if (Runner.IsParked && !Runner.IsIdle && Runner.Activity == activity)
            {
                return;
            }

            if (watch.Elapsed > _options.StepTimeout)
            {
                throw NotAtRest();
            }
        }
    }

    private TimeSpan Remaining(Stopwatch watch) => watch.Elapsed < _options.StepTimeout ? _options.StepTimeout - watch.Elapsed : TimeSpan.Zero;

    private TimeoutException NotAtRest()
        => new($"The schedule did not come to rest within {_options.StepTimeout} at {Clock.GetUtcNow():o} (a timer loop never parked: a method blocking a thread-pool thread?).");
}
