using System.Text;
using Carillon.Protocol;
using Carillon.Recurring.State;

namespace Carillon.Tests.Recurring;

/// <summary>Issue 8: every field read from the schedules topic is validated; a bad record is an error result, never an exception.</summary>
public sealed class PoisonRecordDecodingTests
{
    private const string Claim = "{\"v\":1,\"kind\":\"claim\",\"taskId\":TASK,\"occurrence\":\"2026-01-01T00:00:00+00:00\",\"runId\":\"r\",\"instance\":\"i\",\"trigger\":TRIGGER,\"triggerOffset\":null,\"scheduleVersion\":\"1.0.0\",\"taskVersion\":\"1.0.0\"}";
    private const string Snapshot = "{\"v\":1,\"kind\":\"snapshot\",\"scheduleVersion\":\"1.0.0\",\"appliedThrough\":3,\"instance\":\"i\",\"at\":\"2026-01-01T00:00:00+00:00\",\"tasks\":TASKS,\"pendingTriggers\":TRIGGERS}";
    private const string GoodTask = "{\"id\":\"t\",\"enabled\":true,\"version\":\"1.0.0\",\"lastOccurrence\":null,\"lastOutcome\":null,\"openRuns\":[]}";

    public static TheoryData<string> PoisonRecords() =>
    [
        Command("disable", "null"),
        Command("disable", "\"\""),
        Command("disable", "\"" + new string('x', 900 * 1024) + "\""),
        Command("disable", "42"),
        Command("disable", "[\"t\"]"),
        Claim.Replace("TASK", "null").Replace("TRIGGER", "\"schedule\""),
        Claim.Replace("TASK", "\"\"").Replace("TRIGGER", "\"schedule\""),
        Claim.Replace("TASK", "\"t\"").Replace("TRIGGER", "99"),
        Claim.Replace("TASK", "\"t\"").Replace("TRIGGER", "\"schedule\"").Replace("\"2026-01-01T00:00:00+00:00\"", "12"),
        Snapshot.Replace("TASKS", "[null]").Replace("TRIGGERS", "[]"),
        Snapshot.Replace("TASKS", "[]").Replace("TRIGGERS", "[null]"),
        Snapshot.Replace("TASKS", "null").Replace("TRIGGERS", "[]"),
        Snapshot.Replace("TASKS", "\"t\"").Replace("TRIGGERS", "[]"),
        Snapshot.Replace("TASKS", "[" + GoodTask.Replace("\"openRuns\":[]", "\"openRuns\":[null]") + "]").Replace("TRIGGERS", "[]"),
        Snapshot.Replace("TASKS", "[" + GoodTask.Replace("\"id\":\"t\"", "\"id\":null") + "]").Replace("TRIGGERS", "[]"),
        Snapshot.Replace("TASKS", "[]").Replace("TRIGGERS", "[{\"taskId\":null,\"offset\":1}]"),
        Snapshot.Replace("TASKS", "[]").Replace("TRIGGERS", "[{\"taskId\":\"t\",\"offset\":-5}]"),
        Snapshot.Replace("TASKS", "[]").Replace("TRIGGERS", "[]").Replace("\"scheduleVersion\":\"1.0.0\"", "\"scheduleVersion\":null"),
        "{\"v\":1,\"kind\":\"takeover\",\"termId\":null,\"instance\":\"i\",\"scheduleVersion\":\"1.0.0\",\"at\":\"2026-01-01T00:00:00+00:00\"}",
    ];

    [Theory]
    [MemberData(nameof(PoisonRecords))]
    public void A_poison_record_is_an_error_result(string json)
    {
        var decoded = StateRecordCodec.Decode(Encoding.UTF8.GetBytes(json), null);

        Assert.Null(decoded.Record);
        Assert.NotNull(decoded.Error);
    }

    [Fact]
    public void A_snapshot_with_valid_entries_still_decodes()
    {
        var json = Snapshot.Replace("TASKS", "[" + GoodTask + "]").Replace("TRIGGERS", "[{\"taskId\":\"t\",\"offset\":1}]");

        var decoded = StateRecordCodec.Decode(Encoding.UTF8.GetBytes(json), null);

        Assert.Null(decoded.Error);
        Assert.Single(((SnapshotRecord)decoded.Record!).Tasks);
    }

    [Theory]
    [InlineData("enable", "Enable")]
    [InlineData("disable", "Disable")]
    [InlineData("trigger", "Trigger")]
    [InlineData("Disable", "Disable")]
    [InlineData("ENABLE", "Enable")]
    public void The_documented_verbs_are_accepted(string verb, string expectedName)
    {
        var expected = Enum.Parse<ScheduleCommand>(expectedName);
        var decoded = StateRecordCodec.Decode(Encoding.UTF8.GetBytes(Command(verb, "\"t\"")), null);

        Assert.Null(decoded.Error);
        Assert.Equal(expected, ((CommandRecord)decoded.Record!).Command);
    }

    [Theory]
    [InlineData("Enable,Disable")]
    [InlineData(" disable ")]
    [InlineData("TRIGGER,enable")]
    [InlineData("1")]
    [InlineData("disable,disable")]
    [InlineData("")]
    [InlineData("disable\n")]
    public void Any_other_verb_is_rejected(string verb)
    {
        var decoded = StateRecordCodec.Decode(Encoding.UTF8.GetBytes(Command(verb.Replace("\n", "\\n"), "\"t\"")), null);

        Assert.Null(decoded.Record);
        Assert.Equal("unknown command verb", decoded.Error);
    }

    private static string Command(string verb, string taskId)
        => "{\"v\":1,\"kind\":\"command\",\"command\":\"" + verb + "\",\"taskId\":" + taskId + ",\"issuer\":null,\"at\":\"2026-01-01T00:00:00+00:00\"}";
}
