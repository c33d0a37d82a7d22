using System.Reflection;
using System.Text;
using Carillon.Delayed.Envelope;
using Carillon.Protocol;
using Carillon.Recurring.Ownership;
using Carillon.Recurring.State;

namespace Carillon.Tests.Protocol;

/// <summary>The public codec reads what the runtime writes, and the runtime reads what the public codec writes (issue 9 §4).</summary>
public sealed class ScheduleProtocolTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ScheduleCommand.Enable, "t")]
    [InlineData(ScheduleCommand.Disable, "*")]
    [InlineData(ScheduleCommand.Trigger, "nightly-report")]
    public void A_command_from_the_public_codec_is_the_record_the_runtime_decodes(ScheduleCommand command, string taskId)
    {
        var message = ScheduleProtocol.CreateCommand(command, taskId, "ops", At);

        Assert.Equal(taskId, Encoding.UTF8.GetString(message.Key));
        Assert.Equal(ScheduleProtocol.CommandKind, ScheduleProtocol.ReadKind(message.Headers));
        var decoded = StateRecordCodec.Decode(message.Value, ScheduleProtocol.ReadKind(message.Headers));
        Assert.Null(decoded.Error);
        Assert.Equal(new CommandRecord(command, taskId, "ops", At), decoded.Record);
        Assert.Equal(StateMessages.State(new CommandRecord(command, taskId, "ops", At)).Value, message.Value);
    }

    [Fact]
    public void A_command_as_raw_json_per_the_wire_format_is_read_by_the_runtime_and_the_public_codec()
    {
        var json = """{"v":1,"kind":"command","command":"disable","taskId":"alpha","issuer":null,"at":"2026-06-01T12:00:00Z","futureField":[1,2]}"""u8.ToArray();

        Assert.Equal(new CommandRecord(ScheduleCommand.Disable, "alpha", null, At), StateRecordCodec.Decode(json, "command").Record);
        Assert.True(ScheduleProtocol.TryReadCommand(json, "command", out var command, out var taskId));
        Assert.Equal((ScheduleCommand.Disable, "alpha"), (command, taskId));
    }

    [Fact]
    public void A_snapshot_the_runtime_writes_reads_as_task_ids_enabled_and_last_outcome()
    {
        var record = new SnapshotRecord("2.0.0", 41, "i1", At,
            [
                new TaskSnapshot("a", false, "1.0.0", At, ScheduledRunOutcome.Failed, [new OpenRun("r", At, ScheduledRunTrigger.Schedule, null)]),
                new TaskSnapshot("b", true, "1.1.0", null, null, []),
            ],
            [new PendingTrigger("a", 40)]);
        var message = StateMessages.State(record);

        Assert.Equal(ScheduleProtocol.SnapshotKey, Encoding.UTF8.GetString(message.Key));
        Assert.True(ScheduleProtocol.TryReadSnapshot(message.Value, ScheduleProtocol.ReadKind(message.Headers), out var snapshot));
        Assert.Equal(("2.0.0", 41L, "i1", At), (snapshot.ScheduleVersion, snapshot.AppliedThrough, snapshot.Instance, snapshot.At));
        Assert.Equal(
            [("a", false, "1.0.0", (DateTimeOffset?)At, (ScheduledRunOutcome?)ScheduledRunOutcome.Failed), ("b", true, "1.1.0", null, null)],
            snapshot.Tasks.Select(t => (t.Id, t.Enabled, t.Version, t.LastOccurrence, t.LastOutcome)));
    }

    [Theory]
    [InlineData("not json", null)]
    [InlineData("""{"v":2,"kind":"snapshot"}""", null)]
    [InlineData("""{"v":1,"kind":"takeover","termId":"t","instance":"i","scheduleVersion":"1.0.0","at":"2026-06-01T12:00:00Z"}""", null)]
    [InlineData("""{"v":1,"kind":"command","command":"enable","taskId":"t","issuer":null,"at":"2026-06-01T12:00:00Z"}""", "snapshot")]
    public void Anything_but_a_readable_snapshot_is_refused_without_throwing(string json, string? kindHeader)
    {
        Assert.False(ScheduleProtocol.TryReadSnapshot(Encoding.UTF8.GetBytes(json), kindHeader, out var snapshot));
        Assert.Null(snapshot);
    }

    [Fact]
    public void Claims_and_outcomes_read_as_their_kind_and_task_id()
    {
        var claim = StateMessages.State(new ClaimRecord("t", At, "run", "i1", ScheduledRunTrigger.Manual, 7, "1.0.0", "1.0.0"));
        var outcome = StateMessages.State(new OutcomeRecord("u", At, null, "i1", ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.SkippedDisabled, At, At, null, null, "1.0.0", "1.0.0"));
        var takeover = StateMessages.State(new TakeoverRecord("term", "i2", "1.0.0", At));

        Assert.True(ScheduleProtocol.TryReadTaskRecord(claim.Value, ScheduleProtocol.ReadKind(claim.Headers), out var claimKind, out var claimTask));
        Assert.Equal((ScheduleProtocol.ClaimKind, "t"), (claimKind, claimTask));
        Assert.True(ScheduleProtocol.TryReadTaskRecord(outcome.Value, null, out var outcomeKind, out var outcomeTask));
        Assert.Equal((ScheduleProtocol.OutcomeKind, "u"), (outcomeKind, outcomeTask));
        Assert.False(ScheduleProtocol.TryReadTaskRecord(takeover.Value, null, out _, out _));
    }

    [Fact]
    public void An_execution_log_record_the_runtime_writes_reads_back_equal()
    {
        var outcome = new OutcomeRecord("t", At, "run", "i1", ScheduledRunTrigger.Manual, 7, ScheduledRunOutcome.Failed, At, At.AddSeconds(1.5), "System.Exception", "boom", "1.0.0", "1.2.0");
        var message = StateMessages.Log(outcome);

        Assert.Equal(ScheduleProtocol.ExecutionKind, ScheduleProtocol.ReadKind(message.Headers));
        var read = ScheduleProtocol.ReadExecutionLog(message.Value);
        Assert.Equal(ExecutionLogRecord.From(outcome), read);
        Assert.Equal(1500, read!.DurationMs);
    }

    [Fact]
    public void An_execution_log_record_with_unknown_fields_is_read_and_one_of_another_version_is_not()
    {
        const string Body = "\"task\":\"t\",\"occurrence\":\"2026-06-01T12:00:00Z\",\"start\":\"2026-06-01T12:00:00Z\",\"end\":\"2026-06-01T12:00:01Z\",\"durationMs\":1000,\"outcome\":\"Succeeded\",\"trigger\":\"Schedule\",\"errorType\":null,\"errorMessage\":null,\"instance\":\"i\",\"runId\":\"r\",\"scheduleVersion\":\"1.0.0\",\"taskVersion\":\"1.0.0\"";

        Assert.Equal("t", ScheduleProtocol.ReadExecutionLog(Encoding.UTF8.GetBytes("{\"v\":1," + Body + ",\"addedLater\":{\"x\":1}}"))?.Task);
        Assert.Null(ScheduleProtocol.ReadExecutionLog(Encoding.UTF8.GetBytes("{\"v\":2," + Body + "}")));
        Assert.Null(ScheduleProtocol.ReadExecutionLog("garbage"u8));
    }

    [Fact]
    public void Every_dead_letter_reason_the_runtime_writes_is_a_public_constant()
    {
        var published = typeof(DeadLetterReasons).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        var written = Enum.GetValues<InvalidReason>().Where(r => r != InvalidReason.None).Select(r => r.Describe()).ToList();

        Assert.Equal(published.Order(), written.Order());
    }

    [Fact]
    public void The_runtime_control_headers_are_the_public_header_names()
    {
        var published = typeof(DelayedHeaders).GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);
        var runtime = typeof(ControlHeaders).GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

        Assert.Equal(published.OrderBy(p => p.Key), runtime.OrderBy(p => p.Key));
        Assert.All(published.Values.Where(v => !v.EndsWith('-')), v => Assert.True(DelayedHeaders.IsControl(v)));
    }
}
