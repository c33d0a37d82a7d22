using System.Text;
using Carillon.Monitoring;
using Carillon.Monitoring.Following;
using Carillon.Protocol;
using Carillon.Recurring.Ownership;
using Carillon.Recurring.State;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;

namespace Carillon.Tests.Monitoring;

/// <summary>What the read model makes of the schedules topic's records (issue 10), with a fake clock.</summary>
public sealed class TaskViewTests
{
    private static readonly DateTimeOffset TakeoverAt = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_task_whose_occurrences_stopped_being_recorded_is_overdue_by_the_intervals_missed()
    {
        var time = new FakeTimeProvider(TakeoverAt);
        var follower = new ScheduleFollower();
        Add(follower, 0, new TakeoverRecord("term", "owner-1", "1.0.0", TakeoverAt));
        Add(follower, 1, Snapshot(Definition("every-minute", "0 * * * * *")));
        Add(follower, 2, Outcome("every-minute", TakeoverAt.AddMinutes(1)));

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var onTime = TaskViews.Build(follower.Read(), "every-minute", null, time.GetUtcNow());
        time.Advance(TimeSpan.FromMinutes(3) + OccurrenceForecast.Grace + TimeSpan.FromSeconds(1));
        var late = TaskViews.Build(follower.Read(), "every-minute", null, time.GetUtcNow());

        Assert.Equal((0, false), (onTime.MissedOccurrences, onTime.Overdue));
        Assert.Equal((3, true), (late.MissedOccurrences, late.Overdue));
        Assert.Equal(TakeoverAt.AddMinutes(2), late.NextOccurrence);
    }

    [Fact]
    public void A_disabled_task_is_never_overdue()
    {
        var follower = new ScheduleFollower();
        Add(follower, 0, new TakeoverRecord("term", "owner-1", "1.0.0", TakeoverAt));
        Add(follower, 1, Snapshot(Definition("every-minute", "0 * * * * *")));
        Add(follower, 2, new CommandRecord(ScheduleCommand.Disable, "every-minute", "ops", TakeoverAt));

        var view = TaskViews.Build(follower.Read(), "every-minute", null, TakeoverAt.AddHours(1));

        Assert.False(view.Enabled);
        Assert.Equal(0, view.MissedOccurrences);
    }

    [Fact]
    public void The_next_occurrence_is_computed_in_the_task_time_zone_with_the_runtime_cron_rule()
    {
        var follower = new ScheduleFollower();
        Add(follower, 0, Snapshot(Definition("paris", "0 30 3 * * *", "Europe/Paris")));

        // 2026-03-29 is the spring-forward day in Paris: 03:30 local is then UTC+2.
        var view = TaskViews.Build(follower.Read(), "paris", null, new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 30, 0, TimeSpan.FromHours(2)), view.NextOccurrence);
        Assert.Equal("Europe/Paris", view.TimeZone);
    }

    [Fact]
    public void A_snapshot_written_before_definitions_existed_shows_its_tasks_without_a_cron()
    {
        var follower = new ScheduleFollower();
        var old = """{"v":1,"kind":"snapshot","scheduleVersion":"1.0.0","appliedThrough":-1,"instance":"old-owner","at":"2026-06-01T12:00:00+00:00","tasks":[{"id":"legacy","enabled":false,"version":"1.0.0","lastOccurrence":"2026-06-01T11:59:00+00:00","lastOutcome":"Succeeded","openRuns":[]}],"pendingTriggers":[]}"""u8.ToArray();
        follower.Add(0, new Headers { { ScheduleProtocol.KindHeader, "snapshot"u8.ToArray() } }, old);

        var model = follower.Read();
        var view = TaskViews.Build(model, "legacy", null, TakeoverAt);

        Assert.Equal("old-owner", model.Owner);
        Assert.Equal(("legacy", false, "1.0.0"), (view.Id, view.Enabled, view.Version));
        Assert.Null(view.Cron);
        Assert.Null(view.NextOccurrence);
        Assert.False(view.Overdue);
    }

    [Fact]
    public void An_unreadable_schedules_record_is_skipped_and_the_rest_still_shows()
    {
        var follower = new ScheduleFollower();
        Add(follower, 0, Snapshot(Definition("kept", "0 * * * * *")));
        follower.Add(1, new Headers { { ScheduleProtocol.KindHeader, "command"u8.ToArray() } }, "\u001b[31mnot json"u8.ToArray());

        Assert.True(follower.Read().Definitions.ContainsKey("kept"));
    }

    [Fact]
    public void The_owner_writes_every_declared_task_definition_into_its_snapshot_and_the_public_codec_reads_it()
    {
        var message = StateMessages.State(Snapshot(Definition("report", "0 0 2 * * *", "America/New_York", timeoutMs: 30_000, exclusive: false)));

        Assert.True(ScheduleProtocol.TryReadSnapshot(message.Value, ScheduleProtocol.ReadKind(message.Headers), out var snapshot));
        var definition = Assert.Single(snapshot.Definitions);
        Assert.Equal(("report", "0 0 2 * * *", "America/New_York", TimeSpan.FromSeconds(30), false), (definition.Id, definition.Cron, definition.TimeZone, definition.Timeout, definition.Exclusive));
    }

    private static void Add(ScheduleFollower follower, long offset, StateRecord record)
    {
        var message = StateMessages.State(record);
        follower.Add(offset, message.Headers, message.Value);
    }

    private static TaskDefinition Definition(string id, string cron, string zone = "UTC", long? timeoutMs = null, bool exclusive = true)
        => new(id, cron, zone, false, timeoutMs, exclusive, true, "1.0.0");

    private static SnapshotRecord Snapshot(params TaskDefinition[] definitions)
        => new("1.0.0", -1, "owner-1", TakeoverAt, [], [], definitions);

    private static OutcomeRecord Outcome(string id, DateTimeOffset occurrence)
        => new(id, occurrence, "run", "owner-1", ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.Succeeded, occurrence, occurrence.AddMilliseconds(5), null, null, "1.0.0", "1.0.0", 1);
}
