using System.Collections.Concurrent;
using Carillon.Recurring.Scheduling;
using Carillon.Recurring.State;
using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Tests.Recurring;

/// <summary>Retries of failed occurrences (issue 13), on the engine with a fake clock and an in-memory ledger.</summary>
public sealed class RetryEngineTests
{
    // 12:59:30: the hourly task's next occurrence is 13:00.
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 59, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset Occurrence = new(2026, 6, 1, 13, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_failing_occurrence_is_attempted_again_with_backoff_each_attempt_claimed_before_it_starts()
    {
        await using var h = new EngineHarness(Start);
        var claimedBeforeStart = new ConcurrentQueue<bool>();
        var task = h.Recorded("job", "0 * * * *", (ctx, _) =>
        {
            claimedBeforeStart.Enqueue(h.Ledger.Claims.Any(c => c.Occurrence == ctx.Occurrence && c.Attempt == ctx.Attempt));
            throw new InvalidOperationException("down");
        }).WithRetries(2, 60, retryOnTimeout: false);

        h.Start(new ScheduleState(), task);
        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("job").Count >= 3, Step, TimeSpan.FromMinutes(10));

        var runs = h.RunsOf("job");
        Assert.Equal([1L, 2L, 3L], runs.Select(r => r.Attempt));
        Assert.All(runs, r => Assert.Equal(Occurrence, r.Occurrence));
        Assert.All(claimedBeforeStart, Assert.True);
        Assert.Equal([1, 2, 3], h.Ledger.Claims.Select(c => c.Attempt));
        var outcomes = h.Ledger.OutcomesOf("job");
        Assert.Equal([1, 2, 3], outcomes.Select(o => o.Attempt));
        Assert.All(outcomes, o => Assert.Equal(ScheduledRunOutcome.Failed, o.Outcome));

        // Retry 1 waits 60 s ± 20 %, retry 2 waits 120 s ± 20 %, from the end of the attempt before.
        var gap1 = runs[1].FiredAt - runs[0].FiredAt;
        var gap2 = runs[2].FiredAt - runs[1].FiredAt;
        Assert.InRange(gap1, TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(73));
        Assert.InRange(gap2, TimeSpan.FromSeconds(96), TimeSpan.FromSeconds(145));
        // Never before its due time; the fake clock moves in steps of a second.
        Assert.InRange(runs[1].FiredAt, outcomes[0].RetryAt!.Value, outcomes[0].RetryAt!.Value + Step);
        Assert.Null(outcomes[2].RetryAt);
    }

    [Fact]
    public async Task A_retry_that_succeeds_ends_the_occurrence_and_the_next_occurrence_starts_at_attempt_one()
    {
        await using var h = new EngineHarness(Start);
        var calls = 0;
        var task = h.Recorded("job", "0 * * * *", (_, _) => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("once") : ValueTask.CompletedTask)
            .WithRetries(3, 10, retryOnTimeout: false);

        h.Start(new ScheduleState(), task);
        await h.StepUntilAsync(() => h.RunsOf("job").Count >= 3, TimeSpan.FromSeconds(30), TimeSpan.FromHours(2));

        Assert.Equal([ScheduledRunOutcome.Failed, ScheduledRunOutcome.Succeeded], h.Ledger.OutcomesOf("job").Take(2).Select(o => o.Outcome));
        Assert.Equal((Occurrence.AddHours(1), 1L), (h.RunsOf("job")[2].Occurrence, h.RunsOf("job")[2].Attempt));
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried_only_when_the_task_retries_timeouts()
    {
        await using var h = new EngineHarness(Start);
        static async ValueTask Hang(ScheduledActionContext _, CancellationToken ct) => await Task.Delay(Timeout.Infinite, ct);
        h.Start(
            new ScheduleState(),
            h.Recorded("retries-timeouts", "0 * * * *", Hang, timeoutSeconds: 5).WithRetries(1, 10, retryOnTimeout: true),
            h.Recorded("keeps-timeouts", "0 * * * *", Hang, timeoutSeconds: 5).WithRetries(1, 10, retryOnTimeout: false));

        await h.StepToAsync(Occurrence.AddMinutes(5), Step);

        Assert.Equal([1, 2], h.Ledger.OutcomesOf("retries-timeouts", ScheduledRunOutcome.TimedOut).Select(o => o.Attempt));
        Assert.Equal([1], h.Ledger.OutcomesOf("keeps-timeouts", ScheduledRunOutcome.TimedOut).Select(o => o.Attempt));
    }

    [Fact]
    public async Task The_exception_handler_sees_every_failed_attempt_and_whether_another_follows()
    {
        var handler = new RetryAwareHandler();
        await using var h = new EngineHarness(Start, s => s.AddSingleton<IScheduledActionExceptionHandler>(handler));
        h.Start(new ScheduleState(), h.Recorded("job", "0 * * * *", (_, _) => throw new InvalidOperationException("down")).WithRetries(1, 10, retryOnTimeout: false));

        await h.StepUntilAsync(() => handler.Calls.Count >= 2, Step, TimeSpan.FromMinutes(5));

        var calls = handler.Calls.ToList();
        Assert.Equal([1L, 2L], calls.Select(c => c.Attempt));
        Assert.NotNull(calls[0].RetryAt);
        Assert.Null(calls[1].RetryAt);
    }

    [Fact]
    public async Task A_retry_due_after_the_next_occurrence_is_dropped_and_the_occurrence_runs()
    {
        await using var h = new EngineHarness(Start);
        var task = h.Recorded("job", "* * * * *", (ctx, _) => ctx.Occurrence == Occurrence ? throw new InvalidOperationException("down") : ValueTask.CompletedTask)
            .WithRetries(1, 600, retryOnTimeout: false);

        h.Start(new ScheduleState(), task);
        await h.StepToAsync(Occurrence.AddMinutes(20), TimeSpan.FromSeconds(5));

        Assert.DoesNotContain(h.RunsOf("job"), r => r.Attempt > 1);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => Occurrence.AddMinutes(i)), h.RunsOf("job").Select(r => r.Occurrence));
        Assert.Null(h.Ledger.Claims.FirstOrDefault(c => c.Attempt > 1));
    }

    [Fact]
    public async Task A_retry_pending_at_failover_runs_once_on_the_new_owner_at_its_time()
    {
        await using var h = new EngineHarness(Start);
        var failing = h.Recorded("job", "0 * * * *", (_, _) => throw new InvalidOperationException("down")).WithRetries(1, 60, retryOnTimeout: false);
        var oldOwner = h.Start(new ScheduleState(), failing);
        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("job").Count == 1, Step, TimeSpan.FromMinutes(2));
        var retryAt = h.Ledger.OutcomesOf("job").Single().RetryAt!.Value;

        // The old owner dies between the attempts; the new one starts from the last snapshot, as read from Kafka.
        await oldOwner.StopAsync(cancelRuns: false, TimeSpan.Zero);
        var snapshot = (SnapshotRecord)StateRecordCodec.Decode(StateRecordCodec.Encode(oldOwner.CaptureSnapshot()), null).Record!;
        h.Start(ScheduleState.FromSnapshot(snapshot), failing);
        await h.StepToAsync(retryAt.AddMinutes(5), Step);

        var retries = h.RunsOf("job").Where(r => r.Attempt == 2).ToList();
        Assert.Equal(Occurrence, Assert.Single(retries).Occurrence);
        Assert.InRange(retries[0].FiredAt, retryAt, retryAt + Step);
        Assert.Single(h.Ledger.Claims, c => c.Attempt == 2);
    }

    [Fact]
    public async Task A_pending_retry_rebuilt_from_records_alone_runs_on_the_new_owner()
    {
        await using var h = new EngineHarness(Start);
        var failing = h.Recorded("job", "0 * * * *", (_, _) => throw new InvalidOperationException("down")).WithRetries(1, 60, retryOnTimeout: false);
        var oldOwner = h.Start(new ScheduleState(), failing);
        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("job").Count == 1, Step, TimeSpan.FromMinutes(2));
        await oldOwner.StopAsync(cancelRuns: false, TimeSpan.Zero);

        var records = h.Ledger.Claims.Cast<StateRecord>().Concat(h.Ledger.Outcomes).Select((r, i) => ((long)i, r)).ToList();
        h.Start(StateReplayer.Rebuild(records, ["job"], out _), failing);
        await h.StepUntilAsync(() => h.RunsOf("job").Count == 2, Step, TimeSpan.FromMinutes(3));

        Assert.Equal(2L, h.RunsOf("job")[1].Attempt);
    }

    [Theory]
    [InlineData(MisfirePolicy.RunOnce, 1)]
    [InlineData(MisfirePolicy.Skip, 0)]
    public async Task A_retry_that_came_due_while_no_owner_ran_follows_the_misfire_policy(MisfirePolicy misfire, int expectedRetries)
    {
        // Due at 13:01, taken over at 13:30 (before the next occurrence at 14:00).
        var state = new ScheduleState();
        var task = state.GetOrAdd("job");
        (task.Enabled, task.Version, task.LastOccurrence) = (true, "1.0.0", Occurrence);
        task.PendingRetry = new PendingRetry(Occurrence, ScheduledRunTrigger.Schedule, null, 2, Occurrence.AddMinutes(1));
        await using var h = new EngineHarness(Occurrence.AddMinutes(30));
        h.Start(state, h.Recorded("job", "0 * * * *", misfire: misfire).WithRetries(1, 60, retryOnTimeout: false));

        await h.StepToAsync(Occurrence.AddMinutes(35), Step);

        Assert.Equal(expectedRetries, h.RunsOf("job").Count(r => r.Attempt == 2));
    }

    private sealed class RetryAwareHandler : IScheduledActionExceptionHandler
    {
        public ConcurrentQueue<(long Attempt, DateTimeOffset? RetryAt)> Calls { get; } = new();

        public ValueTask OnExceptionAsync(ScheduledActionContext context, Exception exception, CancellationToken cancellationToken)
            => throw new InvalidOperationException("OnAttemptFailedAsync is implemented: this one is not called.");

        public ValueTask OnAttemptFailedAsync(ScheduledActionContext context, Exception exception, DateTimeOffset? retryAt, CancellationToken cancellationToken)
        {
            Calls.Enqueue((context.Attempt, retryAt));
            return ValueTask.CompletedTask;
        }
    }
}
