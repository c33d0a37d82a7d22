using Carillon.Recurring.State;

namespace Carillon.Tests.Recurring;

/// <summary>Issue 8: what replay accepts from records anyone with write access to the schedules topic could forge.</summary>
public sealed class ForgedRecordTests
{
    private static readonly DateTimeOffset Noon = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_claim_or_outcome_with_a_newer_schedule_version_does_not_establish_the_stored_version()
    {
        var records = new List<(long, StateRecord)>
        {
            (0, new SnapshotRecord("1.0.0", -1, "i1", Noon, [], [])),
            (1, new ClaimRecord("tick", Noon, "r1", "forger", ScheduledRunTrigger.Schedule, null, "99.0.0", "99.0.0")),
            (2, new OutcomeRecord("tick", Noon, "r1", "forger", ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.Succeeded, Noon, Noon, null, null, "99.0.0", "99.0.0")),
        };

        var state = StateReplayer.Rebuild(records, ["tick"], out _);

        Assert.Equal("1.0.0", state.ScheduleVersion);
        Assert.Equal(string.Empty, state.Tasks["tick"].Version);
    }

    [Fact]
    public void A_takeover_marker_or_snapshot_of_a_newer_owner_establishes_the_stored_version()
    {
        var takeover = StateReplayer.Rebuild([(0, new TakeoverRecord("term", "i2", "2.0.0", Noon))], ["tick"], out _);
        var snapshot = StateReplayer.Rebuild([(0, new SnapshotRecord("3.0.0", -1, "i3", Noon, [], []))], ["tick"], out _);

        Assert.Equal("2.0.0", takeover.ScheduleVersion);
        Assert.Equal("3.0.0", snapshot.ScheduleVersion);
    }

    [Fact]
    public async Task A_claim_for_an_occurrence_in_year_9999_does_not_silence_the_task()
    {
        await using var h = new EngineHarness(Noon);
        var forged = new ClaimRecord("tick", new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), "r", "forger", ScheduledRunTrigger.Schedule, null, "1.0.0", "1.0.0");
        var state = StateReplayer.Rebuild([(0, forged)], ["tick"], out _);

        h.Start(state, h.Recorded("tick", "* * * * * *"));
        await h.StepUntilAsync(() => h.RunsOf("tick").Count >= 3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

        Assert.Equal([Noon.AddSeconds(1), Noon.AddSeconds(2), Noon.AddSeconds(3)], h.RunsOf("tick").Take(3).Select(r => r.Occurrence));
        Assert.DoesNotContain(h.RunsOf("tick"), r => r.Trigger == ScheduledRunTrigger.Misfire);
    }

    [Fact]
    public async Task A_claim_just_ahead_of_now_within_the_claim_lead_is_honoured()
    {
        await using var h = new EngineHarness(Noon);
        var claimed = new ClaimRecord("tick", Noon.AddSeconds(1), "r", "previous-owner", ScheduledRunTrigger.Schedule, null, "1.0.0", "1.0.0");
        var outcome = new OutcomeRecord("tick", Noon.AddSeconds(1), "r", "previous-owner", ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.Succeeded, Noon, Noon, null, null, "1.0.0", "1.0.0");
        var state = StateReplayer.Rebuild([(0, claimed), (1, outcome)], ["tick"], out _);

        h.Start(state, h.Recorded("tick", "* * * * * *"));
        await h.StepUntilAsync(() => h.RunsOf("tick").Count >= 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

        Assert.Equal(Noon.AddSeconds(2), h.RunsOf("tick")[0].Occurrence);
    }
}
