using System.Diagnostics;
using Carillon.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Carillon.Tests.Testing;

/// <summary>The time-travel kit (issue 13), tested by using it: a hand-written registry and services, no Kafka.</summary>
// Runs beside the assembly's other classes: the simulator counts the engine's work instead of waiting for a quiet
// period, so the machine's load cannot make it overtake a retry (one was once missed that way, under a load of 20).
public sealed class ScheduleSimulatorTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset NewYear = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // With the records kept (the default) and without (KeepHistory = false, the compact form for long simulations): the
    // same year, each printing its figure (docs/testing.md, "Figures"). Succeeded outcomes are counted as they are
    // recorded, so both cases check the same thing.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_year_of_a_minutely_task_runs_every_occurrence_once_in_order(bool keepHistory)
    {
        var count = 0L;
        var last = DateTimeOffset.MinValue;
        var ordered = true;
        var task = Task("minutely", "* * * * *", (_, ctx, _) =>
        {
            ordered &= ctx.Occurrence > last;
            last = ctx.Occurrence;
            Interlocked.Increment(ref count);
            return ValueTask.CompletedTask;
        });
        await using var sim = ScheduleSimulator.Start(
            NewYear,
            s => s.AddSingleton<IScheduleRegistry>(new ScheduleRegistry("1.0.0", [task])),
            new ScheduleSimulatorOptions { KeepHistory = keepHistory });
        var succeeded = 0L;
        sim.Runner.OutcomeRecorded += o => succeeded += o.Outcome == ScheduledRunOutcome.Succeeded ? 1 : 0;

        // Wall time, and the process's CPU time (all threads, the GC's included) over the same span: on a shared machine
        // the first depends on the load, the second much less. Allocations and GC pauses too (process-wide: run one case
        // alone for its figure), which is where much of the CPU time went.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var pauses = GC.GetTotalPauseDuration();
        var collections = (Gen0: GC.CollectionCount(0), Gen2: GC.CollectionCount(2));
        var watch = Stopwatch.StartNew();
        await sim.AdvanceToAsync(NewYear.AddYears(1));
        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        pauses = GC.GetTotalPauseDuration() - pauses;

        var perOccurrence = Math.Max(1, count);
        output.WriteLine(
            $"Simulated one year of a minutely task ({count:N0} runs, history {(keepHistory ? "kept" : "not kept")}) in {watch.Elapsed.TotalSeconds:F2} s ({watch.Elapsed.TotalMicroseconds / perOccurrence:F1} µs per occurrence), "
            + $"{cpu.TotalSeconds:F2} s of CPU; {allocated / perOccurrence:N0} bytes allocated per occurrence; GC paused {pauses.TotalSeconds:F2} s "
            + $"({GC.CollectionCount(0) - collections.Gen0} collections, {GC.CollectionCount(2) - collections.Gen2} of generation 2); load average {LoadAverage()}.");
        Assert.Equal(525_600, count);
        Assert.True(ordered);
        Assert.Equal(525_600, succeeded);
    }

    [Fact]
    public async Task Without_history_no_outcome_or_claim_is_kept_and_each_outcome_is_still_reported()
    {
        var task = Task("minutely", "* * * * *", (_, _, _) => ValueTask.CompletedTask);
        await using var sim = ScheduleSimulator.Start(
            NewYear,
            s => s.AddSingleton<IScheduleRegistry>(new ScheduleRegistry("1.0.0", [task])),
            new ScheduleSimulatorOptions { KeepHistory = false });
        var reported = new List<DateTimeOffset>();
        sim.Runner.OutcomeRecorded += o => reported.Add(o.Occurrence);

        var outcomes = await sim.AdvanceByAsync(TimeSpan.FromMinutes(10));

        Assert.Empty(outcomes);
        Assert.Empty(sim.Outcomes);
        Assert.Empty(sim.Runner.Claims);
        Assert.Equal(Enumerable.Range(1, 10).Select(m => NewYear.AddMinutes(m)), reported);
    }

    [Fact]
    public async Task Failures_are_retried_with_their_attempts_returned_in_order()
    {
        var task = Task("flaky", "0 * * * *", (_, ctx, _) => ctx.Attempt < 3 ? throw new InvalidOperationException("down") : ValueTask.CompletedTask).WithRetries(3, 60, retryOnTimeout: false);
        await using var sim = Simulate(task);

        var outcomes = await sim.AdvanceByAsync(TimeSpan.FromMinutes(90));

        Assert.Equal(
            [(1, ScheduledRunOutcome.Failed), (2, ScheduledRunOutcome.Failed), (3, ScheduledRunOutcome.Succeeded)],
            outcomes.Select(o => (o.Attempt, o.Outcome)));
        Assert.Equal([1, 2, 3], sim.Runner.Claims.Select(c => c.Attempt));
    }

    [Fact]
    public async Task A_retry_due_a_second_after_each_failure_is_never_overtaken_by_the_clock()
    {
        var task = Task("flaky", "* * * * *", (_, ctx, _) => ctx.Attempt == 1 ? throw new InvalidOperationException("down") : ValueTask.CompletedTask).WithRetries(1, 1, retryOnTimeout: false);
        await using var sim = Simulate(task);

        // Up to 23:59:30: the last occurrence's retry is in the window too.
        var outcomes = await sim.AdvanceByAsync(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(30));

        // Every occurrence of the day: its failure, then its retry 0.8-1.2 s later, before the next occurrence.
        Assert.Equal(2 * 1439, outcomes.Count);
        Assert.All(outcomes.Chunk(2), pair =>
        {
            Assert.Equal([(1, ScheduledRunOutcome.Failed), (2, ScheduledRunOutcome.Succeeded)], pair.Select(o => (o.Attempt, o.Outcome)));
            Assert.Equal(pair[0].Occurrence, pair[1].Occurrence);
            Assert.True(pair[1].Start >= pair[0].RetryAt, "the retry starts at its due time, not before");
            Assert.True(pair[1].Start - pair[0].End <= TimeSpan.FromSeconds(1.2), "and not later");
        });
    }

    [Fact]
    public async Task A_run_that_hangs_past_its_timeout_is_TimedOut_and_the_next_occurrence_is_skipped_while_it_runs()
    {
        var release = new TaskCompletionSource();
        var task = Task("stuck", "* * * * *", async (_, _, _) => await release.Task, timeout: 90);
        await using var sim = Simulate(task);

        var outcomes = await sim.AdvanceByAsync(TimeSpan.FromSeconds(150));
        release.SetResult();

        Assert.Equal([ScheduledRunOutcome.SkippedOverlap, ScheduledRunOutcome.TimedOut], outcomes.Select(o => o.Outcome));
    }

    [Fact]
    public async Task A_disabled_task_is_skipped_until_enabled()
    {
        await using var sim = Simulate(Task("job", "0 * * * *", (_, _, _) => ValueTask.CompletedTask));
        sim.Runner.Disable("job");
        var disabled = await sim.AdvanceByAsync(TimeSpan.FromHours(2));
        sim.Runner.Enable("job");
        var enabled = await sim.AdvanceByAsync(TimeSpan.FromHours(1));

        Assert.Equal([ScheduledRunOutcome.SkippedDisabled, ScheduledRunOutcome.SkippedDisabled], disabled.Select(o => o.Outcome));
        Assert.Equal([ScheduledRunOutcome.Succeeded], enabled.Select(o => o.Outcome));
    }

    [Fact]
    public async Task An_outage_of_the_owner_runs_the_latest_missed_occurrence_once_at_restart()
    {
        await using var sim = Simulate(Task("job", "0 * * * *", (_, _, _) => ValueTask.CompletedTask));
        await sim.AdvanceByAsync(TimeSpan.FromMinutes(90));
        await sim.Runner.StopAsync();
        await sim.AdvanceByAsync(TimeSpan.FromHours(5));
        sim.Runner.Start();
        var afterRestart = await sim.AdvanceByAsync(TimeSpan.FromMinutes(1));

        var misfire = Assert.Single(afterRestart);
        Assert.Equal((ScheduledRunTrigger.Misfire, NewYear.AddHours(6)), (misfire.Trigger, misfire.Occurrence));
    }

    [Fact]
    public async Task Delayed_messages_are_delivered_when_the_clock_passes_their_time()
    {
        await using var sim = Simulate(Task("job", "0 0 1 1 *", (_, _, _) => ValueTask.CompletedTask));
        IDelayedMessagePublisher publisher = sim.DelayedMessages;
        await publisher.ScheduleAsync("t", "k", new { A = 1 }, NewYear.AddMinutes(10), scheduleKey: "one");
        await publisher.ScheduleAsync("t", "k", new { A = 2 }, NewYear.AddMinutes(20), scheduleKey: "two");
        await publisher.CancelAsync("two");

        await sim.AdvanceByAsync(TimeSpan.FromMinutes(9));
        Assert.Empty(sim.DelayedMessages.Delivered);
        await sim.AdvanceByAsync(TimeSpan.FromMinutes(30));

        Assert.Equal("{\"a\":1}", Assert.Single(sim.DelayedMessages.Delivered).ValueText);
        Assert.Empty(sim.DelayedMessages.Pending);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static ScheduleSimulator Simulate(params ScheduledTaskDescriptor[] tasks)
        => ScheduleSimulator.Start(NewYear, s => s.AddSingleton<IScheduleRegistry>(new ScheduleRegistry("1.0.0", tasks)));

    private static ScheduledTaskDescriptor Task(string id, string cron, ScheduledTaskInvoker invoker, string? timeZone = null, bool allowOverlap = false, int timeout = 0, MisfirePolicy misfire = MisfirePolicy.RunOnce)
        => new(id, cron, timeZone, allowOverlap, timeout, exclusive: true, enabled: true, misfire, "1.0.0", "Tests.Jobs", id, invoker);
}
