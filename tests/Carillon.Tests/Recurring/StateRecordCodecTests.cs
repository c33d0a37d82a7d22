using System.Text;
using Carillon.Protocol;
using Carillon.Recurring.State;

namespace Carillon.Tests.Recurring;

public sealed class StateRecordCodecTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly StateRecord[] Samples =
    [
        new ClaimRecord("t", At, "run", "i1", ScheduledRunTrigger.Misfire, null, "1.0.0", "1.0.0"),
        new OutcomeRecord("t", At, "run", "i1", ScheduledRunTrigger.Manual, 7, ScheduledRunOutcome.Failed, At, At.AddSeconds(1), "System.Exception", "boom", "1.0.0", "1.2.0"),
        new CommandRecord(ScheduleCommand.Disable, "*", "cli", At),
        new TakeoverRecord("term", "i2", "2.0.0", At),
    ];

    public static TheoryData<int> Records() => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(Records))]
    public void Records_round_trip_with_a_schema_version_first(int index)
    {
        var record = Samples[index];
        var bytes = StateRecordCodec.Encode(record);
        Assert.StartsWith("{\"v\":1,", Encoding.UTF8.GetString(bytes));

        var decoded = StateRecordCodec.Decode(bytes, record.Kind);
        Assert.Null(decoded.Error);
        Assert.Equal(record, decoded.Record);
    }

    [Fact]
    public void Snapshots_round_trip()
    {
        var snapshot = new SnapshotRecord("1.0.0", 41, "i1", At,
            [new TaskSnapshot("t", false, "1.0.0", At, ScheduledRunOutcome.SkippedOverlap, [new OpenRun("r", At, ScheduledRunTrigger.Schedule, null)])],
            [new PendingTrigger("t", 40)]);

        var decoded = (SnapshotRecord)StateRecordCodec.Decode(StateRecordCodec.Encode(snapshot), null).Record!;
        Assert.Equal(41, decoded.AppliedThrough);
        Assert.Equal(snapshot.Tasks[0] with { OpenRuns = [] }, decoded.Tasks[0] with { OpenRuns = [] });
        Assert.Equal(snapshot.Tasks[0].OpenRuns, decoded.Tasks[0].OpenRuns);
        Assert.Equal(snapshot.PendingTriggers, decoded.PendingTriggers);
    }

    [Fact]
    public void A_pending_retry_and_attempt_numbers_round_trip()
    {
        var retry = new PendingRetry(At, ScheduledRunTrigger.Misfire, null, 3, At.AddMinutes(2));
        var snapshot = new SnapshotRecord("1.0.0", 41, "i1", At,
            [new TaskSnapshot("t", true, "1.0.0", At, ScheduledRunOutcome.Failed, [new OpenRun("r", At, ScheduledRunTrigger.Schedule, null, 2)], retry)],
            []);
        var outcome = new OutcomeRecord("t", At, "run", "i1", ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.Failed, At, At, "E", "m", "1.0.0", "1.0.0", 2, At.AddMinutes(2));

        var decoded = (SnapshotRecord)StateRecordCodec.Decode(StateRecordCodec.Encode(snapshot), null).Record!;
        Assert.Equal(retry, decoded.Tasks[0].PendingRetry);
        Assert.Equal(2, decoded.Tasks[0].OpenRuns[0].Attempt);
        Assert.Equal(outcome, StateRecordCodec.Decode(StateRecordCodec.Encode(outcome), null).Record);
    }

    [Fact]
    public void Claims_written_before_retries_existed_decode_as_first_attempts()
    {
        const string json = "{\"v\":1,\"kind\":\"claim\",\"taskId\":\"t\",\"occurrence\":\"2026-06-01T12:00:00+00:00\",\"runId\":\"r\",\"instance\":\"i\",\"trigger\":\"Schedule\",\"triggerOffset\":null,\"scheduleVersion\":\"1.0.0\",\"taskVersion\":\"1.0.0\"}";
        var claim = Assert.IsType<ClaimRecord>(StateRecordCodec.Decode(Encoding.UTF8.GetBytes(json), "claim").Record);
        Assert.Equal(1, claim.Attempt);
    }

    [Theory]
    [InlineData("{\"v\":1,\"kind\":\"claim\",\"taskId\":\"t\",\"occurrence\":\"2026-06-01T12:00:00+00:00\",\"runId\":\"r\",\"instance\":\"i\",\"trigger\":\"Schedule\",\"triggerOffset\":null,\"scheduleVersion\":\"1.0.0\",\"taskVersion\":\"1.0.0\",\"attempt\":0}")]
    public void An_attempt_below_one_is_rejected(string json)
        => Assert.Contains("attempt", StateRecordCodec.Decode(Encoding.UTF8.GetBytes(json), null).Error, StringComparison.Ordinal);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\u0001\u0002garbage", "")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"kind\":\"command\"}", "no schema version")]
    [InlineData("{\"v\":2,\"kind\":\"command\",\"command\":\"enable\",\"taskId\":\"t\",\"at\":\"2026-01-01T00:00:00Z\"}", "unsupported schema version 2")]
    [InlineData("{\"v\":1,\"kind\":\"command\",\"command\":\"explode\",\"taskId\":\"t\",\"at\":\"2026-01-01T00:00:00Z\"}", "unknown command")]
    [InlineData("{\"v\":1,\"kind\":\"command\",\"command\":\"7\",\"taskId\":\"t\",\"at\":\"2026-01-01T00:00:00Z\"}", "unknown command")]
    [InlineData("{\"v\":1,\"kind\":\"command\",\"command\":\"enable\",\"at\":\"2026-01-01T00:00:00Z\"}", "")]
    [InlineData("{\"v\":1,\"kind\":\"weird\"}", "unknown kind")]
    [InlineData("{\"v\":1,\"kind\":\"claim\",\"taskId\":\"t\"}", "")]
    public void Malformed_records_decode_to_an_error_never_an_exception(string json, string reason)
    {
        var result = StateRecordCodec.Decode(Encoding.UTF8.GetBytes(json), null);
        Assert.Null(result.Record);
        Assert.NotNull(result.Error);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kind_header_contradicting_the_body_is_rejected()
    {
        var bytes = StateRecordCodec.Encode(new CommandRecord(ScheduleCommand.Enable, "t", null, At));
        Assert.NotNull(StateRecordCodec.Decode(bytes, "snapshot").Error);
    }
}
