using Carillon.Protocol;
using Carillon.Recurring.State;
using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Tests.Recurring;

public sealed class ScheduleEngineTests
{
    private static readonly DateTimeOffset Noon = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Runs_every_occurrence_on_time_claiming_each_before_it_starts()
    {
        await using var h = new EngineHarness(Noon);
        ScheduledActionContext? firstSeen = null;
        var claimedBeforeStart = true;
        var task = h.Recorded("tick", "* * * * * *", (ctx, _) =>
        {
            firstSeen ??= ctx;
            claimedBeforeStart &= h.Ledger.Claims.Any(c => c.Occurrence == ctx.Occurrence);
            return ValueTask.CompletedTask;
        });

        h.Start(new ScheduleState(), task);
        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("tick", ScheduledRunOutcome.Succeeded).Count >= 5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

        var occurrences = h.RunsOf("tick").Select(r => r.Occurrence).Take(5).ToList();
        Assert.Equal(Enumerable.Range(1, 5).Select(i => Noon.AddSeconds(i)), occurrences);
        Assert.True(claimedBeforeStart);
        Assert.All(h.RunsOf("tick"), r => Assert.Equal(ScheduledRunTrigger.Schedule, r.Trigger));
        Assert.Equal(h.Ledger.Claims.Count, h.Ledger.Claims.Select(c => c.Occurrence).Distinct().Count());
    }

    [Fact]
    public async Task Days_of_an_hourly_Paris_task_follow_daylight_saving()
    {
        var start = new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.Zero);
        await using var h = new EngineHarness(start);
        h.Start(new ScheduleState(), h.Recorded("paris", "30 2 * * *", timeZone: "Europe/Paris"));

        await h.StepToAsync(start.AddDays(3), TimeSpan.FromMinutes(30));

        Assert.Equal(
            [
                new DateTimeOffset(2026, 3, 28, 1, 30, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero),
            ],
            h.RunsOf("paris").Select(r => r.Occurrence.ToUniversalTime()));
    }

    [Fact]
    public async Task New_York_fall_back_runs_the_repeated_hour_of_an_hourly_task_twice_and_nothing_twice()
    {
        var start = new DateTimeOffset(2026, 11, 1, 3, 30, 0, TimeSpan.Zero); // 23:30 EDT on Oct 31
        await using var h = new EngineHarness(start);
        h.Start(new ScheduleState(), h.Recorded("ny", "0 * * * *", timeZone: "America/New_York"));

        await h.StepToAsync(start.AddHours(5), TimeSpan.FromMinutes(20));

        var utc = h.RunsOf("ny").Select(r => r.Occurrence.UtcDateTime.Hour).ToList();
        Assert.Equal([4, 5, 6, 7, 8], utc); // 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST, 03:00 EST
        Assert.Equal(utc.Count, utc.Distinct().Count());
    }

    [Fact]
    public async Task Misfire_RunOnce_runs_the_latest_missed_occurrence_once_at_takeover()
    {
        await using var h = new EngineHarness(Noon.AddSeconds(30));
        var state = StateWithLastOccurrence("job", Noon.AddMinutes(-10));
        h.Start(state, h.Recorded("job", "* * * * *", misfire: MisfirePolicy.RunOnce));

        await EngineHarness.EventuallyAsync(() => h.RunsOf("job").Count == 1, "misfire run");
        var run = h.RunsOf("job").Single();
        Assert.Equal(ScheduledRunTrigger.Misfire, run.Trigger);
        Assert.Equal(Noon, run.Occurrence);

        await h.StepUntilAsync(() => h.RunsOf("job").Count == 2, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));
        Assert.Equal(Noon.AddMinutes(1), h.RunsOf("job")[1].Occurrence);
    }

    [Fact]
    public async Task Misfire_Skip_waits_for_the_next_occurrence()
    {
        await using var h = new EngineHarness(Noon.AddSeconds(30));
        var state = StateWithLastOccurrence("job", Noon.AddMinutes(-10));
        h.Start(state, h.Recorded("job", "* * * * *", misfire: MisfirePolicy.Skip));

        await h.StepUntilAsync(() => h.RunsOf("job").Count == 1, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));
        var run = h.RunsOf("job").Single();
        Assert.Equal(ScheduledRunTrigger.Schedule, run.Trigger);
        Assert.Equal(Noon.AddMinutes(1), run.Occurrence);
    }

    [Fact]
    public async Task A_brand_new_task_does_not_run_occurrences_from_before_it_was_first_seen()
    {
        await using var h = new EngineHarness(Noon.AddSeconds(30));
        h.Start(new ScheduleState(), h.Recorded("fresh", "* * * * *"));

        await h.StepUntilAsync(() => h.RunsOf("fresh").Count == 1, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));
        Assert.Equal(Noon.AddMinutes(1), h.RunsOf("fresh").Single().Occurrence);
    }

    [Fact]
    public async Task An_occurrence_is_skipped_while_the_previous_run_is_still_executing()
    {
        await using var h = new EngineHarness(Noon);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Start(new ScheduleState(), h.Recorded("slow", "* * * * * *", async (ctx, _) =>
        {
            if (ctx.Occurrence == Noon.AddSeconds(1))
            {
                await release.Task;
            }
        }));

        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("slow", ScheduledRunOutcome.SkippedOverlap).Count >= 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        release.SetResult();
        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("slow", ScheduledRunOutcome.Succeeded).Count >= 3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

        var skipped = h.Ledger.OutcomesOf("slow", ScheduledRunOutcome.SkippedOverlap).Select(o => o.Occurrence).ToList();
        Assert.Equal(Noon.AddSeconds(2), skipped[0]);
        Assert.DoesNotContain(h.RunsOf("slow"), r => skipped.Contains(r.Occurrence));
        Assert.Equal(h.RunsOf("slow").Count, h.RunsOf("slow").Select(r => r.Occurrence).Distinct().Count());
    }

    [Fact]
    public async Task Overlap_allowed_runs_concurrently()
    {
        await using var h = new EngineHarness(Noon);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Start(new ScheduleState(), h.Recorded("parallel", "* * * * * *", async (_, _) => await release.Task, allowOverlap: true));

        await h.StepUntilAsync(() => h.RunsOf("parallel").Count >= 3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        release.SetResult();
        Assert.Empty(h.Ledger.OutcomesOf("parallel", ScheduledRunOutcome.SkippedOverlap));
    }

    [Fact]
    public async Task Timeout_cancels_the_token_and_records_TimedOut()
    {
        await using var h = new EngineHarness(Noon);
        var tokenCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Start(new ScheduleState(), h.Recorded("bounded", "0 * * * * *", async (_, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                tokenCancelled.TrySetResult();
                throw;
            }
        }, timeoutSeconds: 5));

        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("bounded").Count >= 1, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(2));
        var outcome = h.Ledger.OutcomesOf("bounded").Single();
        Assert.Equal(ScheduledRunOutcome.TimedOut, outcome.Outcome);
        await tokenCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.InRange((outcome.End - outcome.Start).TotalSeconds, 5, 6);
    }

    [Fact]
    public async Task A_disabled_task_records_SkippedDisabled_and_claims_nothing()
    {
        await using var h = new EngineHarness(Noon);
        h.Start(new ScheduleState(), h.Recorded("off", "* * * * * *", enabled: false));

        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("off", ScheduledRunOutcome.SkippedDisabled).Count >= 3, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        Assert.Empty(h.RunsOf("off"));
        Assert.Empty(h.Ledger.Claims);
    }

    [Fact]
    public async Task Trigger_runs_a_disabled_task_once_without_moving_its_cron_cursor()
    {
        await using var h = new EngineHarness(Noon);
        var engine = h.Start(new ScheduleState(), h.Recorded("off", "0 0 * * *", enabled: false));

        Assert.True(engine.Apply(new CommandRecord(ScheduleCommand.Trigger, "off", "test", Noon), offset: 42));
        await EngineHarness.EventuallyAsync(() => h.Ledger.OutcomesOf("off").Count == 1, "triggered outcome");

        var run = h.RunsOf("off").Single();
        Assert.Equal(ScheduledRunTrigger.Manual, run.Trigger);
        Assert.Equal(42, h.Ledger.Claims.Single().TriggerOffset);
        Assert.Equal(ScheduledRunOutcome.Succeeded, h.Ledger.Outcomes.Single().Outcome);
        Assert.Equal(Noon, engine.CaptureSnapshot().Tasks.Single().LastOccurrence);
        Assert.Empty(engine.CaptureSnapshot().PendingTriggers);
    }

    [Fact]
    public async Task Enable_and_disable_commands_change_what_runs_and_the_snapshot()
    {
        await using var h = new EngineHarness(Noon);
        var engine = h.Start(new ScheduleState(), h.Recorded("a", "* * * * * *"), h.Recorded("b", "* * * * * *"));

        Assert.True(engine.Apply(new CommandRecord(ScheduleCommand.Disable, "*", null, Noon), 1));
        Assert.False(engine.Apply(new CommandRecord(ScheduleCommand.Enable, "nope", null, Noon), 2));
        Assert.True(engine.Apply(new CommandRecord(ScheduleCommand.Enable, "b", null, Noon), 3));

        await h.StepUntilAsync(() => h.RunsOf("b").Count >= 2, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        Assert.Empty(h.RunsOf("a"));
        var snapshot = engine.CaptureSnapshot();
        Assert.False(snapshot.Tasks.Single(t => t.Id == "a").Enabled);
        Assert.True(snapshot.Tasks.Single(t => t.Id == "b").Enabled);
        Assert.Equal(3, snapshot.AppliedThrough);
    }

    [Fact]
    public async Task A_newer_stored_task_version_skips_and_an_older_one_is_upgraded()
    {
        await using var h = new EngineHarness(Noon);
        var state = new ScheduleState();
        state.GetOrAdd("old").Version = "2.0.0";
        state.GetOrAdd("new").Version = "0.9.0";
        var engine = h.Start(state, h.Recorded("old", "* * * * * *", version: "1.0.0"), h.Recorded("new", "* * * * * *", version: "1.1.0"));

        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("old", ScheduledRunOutcome.SkippedVersion).Count >= 2 && h.RunsOf("new").Count >= 2, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        Assert.Empty(h.RunsOf("old"));
        var snapshot = engine.CaptureSnapshot();
        Assert.Equal("2.0.0", snapshot.Tasks.Single(t => t.Id == "old").Version);
        Assert.Equal("1.1.0", snapshot.Tasks.Single(t => t.Id == "new").Version);
    }

    [Fact]
    public async Task An_exception_is_recorded_Failed_and_the_handler_is_called()
    {
        var handler = new RecordingHandler();
        await using var h = new EngineHarness(Noon, s => s.AddSingleton<IScheduledActionExceptionHandler>(handler));
        h.Start(new ScheduleState(), h.Recorded("boom", "* * * * * *", (_, _) => throw new InvalidOperationException("kaput")));

        await h.StepUntilAsync(() => h.Ledger.OutcomesOf("boom").Count >= 1, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        var outcome = h.Ledger.OutcomesOf("boom")[0];
        Assert.Equal(ScheduledRunOutcome.Failed, outcome.Outcome);
        Assert.Equal(typeof(InvalidOperationException).FullName, outcome.ErrorType);
        Assert.Equal("kaput", outcome.ErrorMessage);
        await EngineHarness.EventuallyAsync(() => !handler.Calls.IsEmpty, "handler call");
        Assert.Equal("boom", handler.Calls.First().Context.TaskId);
        Assert.IsType<InvalidOperationException>(handler.Calls.First().Error);
    }

    [Fact]
    public async Task An_open_claim_at_takeover_is_recorded_Interrupted_and_not_rerun()
    {
        await using var h = new EngineHarness(Noon.AddMilliseconds(300));
        var state = StateWithLastOccurrence("job", Noon);
        state.Tasks["job"].OpenRuns["run-1"] = new OpenRun("run-1", Noon, ScheduledRunTrigger.Schedule, null);
        h.Start(state, h.Recorded("job", "* * * * * *"));

        await h.StepUntilAsync(() => h.RunsOf("job").Count >= 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
        var interrupted = h.Ledger.OutcomesOf("job", ScheduledRunOutcome.Interrupted).Single();
        Assert.Equal(Noon, interrupted.Occurrence);
        Assert.Equal("run-1", interrupted.RunId);
        Assert.DoesNotContain(h.RunsOf("job"), r => r.Occurrence == Noon);
    }

    [Fact]
    public async Task A_claim_that_cannot_be_committed_does_not_run()
    {
        await using var h = new EngineHarness(Noon);
        h.Ledger.RefuseClaims = true;
        h.Start(new ScheduleState(), h.Recorded("job", "* * * * * *"));

        await h.StepToAsync(Noon.AddSeconds(3), TimeSpan.FromMilliseconds(100));
        Assert.Empty(h.RunsOf("job"));
    }

    [Fact]
    public async Task A_stopped_engine_starts_nothing_even_what_it_already_claimed()
    {
        await using var h = new EngineHarness(Noon);
        var engine = h.Start(new ScheduleState(), h.Recorded("job", "* * * * * *"));

        // 900 ms: the claim for 12:00:01 is written 200 ms ahead, the run has not started.
        await h.StepToAsync(Noon.AddMilliseconds(900), TimeSpan.FromMilliseconds(100));
        await EngineHarness.EventuallyAsync(() => h.Ledger.Claims.Count == 1, "claim ahead of the occurrence");
        await engine.StopAsync(cancelRuns: false, TimeSpan.Zero);
        await h.StepToAsync(Noon.AddSeconds(5), TimeSpan.FromMilliseconds(100));

        Assert.Empty(h.RunsOf("job"));
        Assert.True(h.IsStopped(engine));
    }

    [Fact]
    public async Task Graceful_stop_cancels_runs_and_records_them_Interrupted()
    {
        await using var h = new EngineHarness(Noon);
        var engine = h.Start(new ScheduleState(), h.Recorded("job", "* * * * * *", async (_, ct) => await Task.Delay(Timeout.Infinite, ct)));

        await h.StepUntilAsync(() => h.RunsOf("job").Count == 1, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        await engine.StopAsync(cancelRuns: true, TimeSpan.FromSeconds(5));

        Assert.Equal(ScheduledRunOutcome.Interrupted, h.Ledger.OutcomesOf("job").Single().Outcome);
        Assert.Empty(engine.CaptureSnapshot().Tasks.Single().OpenRuns);
    }

    private static ScheduleState StateWithLastOccurrence(string task, DateTimeOffset last)
    {
        var state = new ScheduleState();
        var t = state.GetOrAdd(task);
        t.Enabled = true;
        t.Version = "1.0.0";
        t.LastOccurrence = last;
        return state;
    }

    private sealed class RecordingHandler : IScheduledActionExceptionHandler
    {
        public System.Collections.Concurrent.ConcurrentQueue<(ScheduledActionContext Context, Exception Error)> Calls { get; } = new();

        public ValueTask OnExceptionAsync(ScheduledActionContext context, Exception exception, CancellationToken cancellationToken)
        {
            Calls.Enqueue((context, exception));
            return ValueTask.CompletedTask;
        }
    }
}
