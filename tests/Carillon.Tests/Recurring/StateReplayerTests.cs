using Carillon.Protocol;
using Carillon.Recurring.State;

namespace Carillon.Tests.Recurring;

public sealed class StateReplayerTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Declared = ["a", "b"];

    [Fact]
    public void The_last_snapshot_is_the_base_and_later_records_apply_including_commands_written_before_it()
    {
        var records = new List<(long, StateRecord)>
        {
            (10, Cmd(ScheduleCommand.Disable, "a")), // reflected by the snapshot (applied through 10)
            (11, Cmd(ScheduleCommand.Disable, "b")), // written before the snapshot but not reflected by it
            (12, Snapshot(appliedThrough: 10, ("a", false, At), ("b", true, At))),
            (13, new ClaimRecord("a", At.AddMinutes(1), "r1", "i", ScheduledRunTrigger.Manual, null, "1.0.0", "1.0.0")),
            (14, Cmd(ScheduleCommand.Enable, "a")),
        };

        var state = StateReplayer.Rebuild(records, Declared, out var rejected);

        Assert.Empty(rejected);
        Assert.True(state.Tasks["a"].Enabled);
        Assert.False(state.Tasks["b"].Enabled);
        Assert.Equal(At, state.Tasks["a"].LastOccurrence); // manual runs do not move the cron cursor
        Assert.Single(state.Tasks["a"].OpenRuns);
        Assert.Equal(14, state.AppliedThrough);
    }

    [Fact]
    public void Triggers_stay_pending_until_claimed_and_unknown_tasks_are_rejected()
    {
        var records = new List<(long, StateRecord)>
        {
            (0, Cmd(ScheduleCommand.Trigger, "*")),
            (1, new ClaimRecord("a", At, "r1", "i", ScheduledRunTrigger.Manual, 0, "1.0.0", "1.0.0")),
            (2, Cmd(ScheduleCommand.Trigger, "ghost")),
        };

        var state = StateReplayer.Rebuild(records, Declared, out var rejected);

        Assert.Equal([new PendingTrigger("b", 0)], state.PendingTriggers);
        Assert.Equal(2, Assert.Single(rejected).Offset);
    }

    [Fact]
    public void Without_a_snapshot_claims_and_outcomes_rebuild_cursors_and_open_runs()
    {
        var records = new List<(long, StateRecord)>
        {
            (500, new ClaimRecord("a", At, "r1", "i", ScheduledRunTrigger.Schedule, null, "1.2.0", "1.0.0")),
            (501, new OutcomeRecord("a", At, "r1", "i", ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.Succeeded, At, At, null, null, "1.2.0", "1.0.0")),
            (502, new ClaimRecord("a", At.AddSeconds(1), "r2", "i", ScheduledRunTrigger.Schedule, null, "1.2.0", "1.0.0")),
        };

        var state = StateReplayer.Rebuild(records, Declared, out _);

        Assert.Equal(At.AddSeconds(1), state.Tasks["a"].LastOccurrence);
        Assert.Equal("r2", Assert.Single(state.Tasks["a"].OpenRuns).Key);
        // Claims and outcomes do not establish the stored schedule version (issue 8: a forged claim could): only takeover
        // markers and snapshots do.
        Assert.Null(state.ScheduleVersion);
        Assert.Null(state.Tasks["b"].Enabled);
    }

    private static CommandRecord Cmd(ScheduleCommand command, string task) => new(command, task, null, At);

    private static SnapshotRecord Snapshot(long appliedThrough, params (string Id, bool Enabled, DateTimeOffset Last)[] tasks)
        => new("1.0.0", appliedThrough, "i", At, tasks.Select(t => new TaskSnapshot(t.Id, t.Enabled, "1.0.0", t.Last, null, [])).ToArray(), []);
}
