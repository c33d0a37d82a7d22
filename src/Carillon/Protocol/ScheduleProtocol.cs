using System.Diagnostics.CodeAnalysis;
using Carillon.Recurring.Ownership;
using Carillon.Recurring.State;
using Confluent.Kafka;

namespace Carillon.Protocol;

/// <summary>
/// Reads and writes the records of the schedules and execution-log topics, as documented in docs/wire-format.md: the
/// same codec the runtime uses, so a tool built on it writes exactly what an owner applies (issue 9 §4).
/// Reading never throws for a bad record: it returns false or null, and the caller counts it.
/// </summary>
public static class ScheduleProtocol
{
    /// <summary>The schema version Carillon writes in <c>"v"</c> and the only one it reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The header carrying a record's kind (UTF-8), so that tools can filter without parsing the value.</summary>
    public const string KindHeader = "carillon-kind";

    /// <summary>The key of snapshot records (one compacted snapshot per topic).</summary>
    public const string SnapshotKey = "$snapshot";

    /// <summary>The key of takeover records.</summary>
    public const string TakeoverKey = "$takeover";

    /// <summary>The task ID a command uses to address every task.</summary>
    public const string AllTasks = IScheduleCommands.AllTasks;

    /// <summary>Kind of the owner's full state.</summary>
    public const string SnapshotKind = "snapshot";

    /// <summary>Kind of the record that takes an occurrence before it runs.</summary>
    public const string ClaimKind = "claim";

    /// <summary>Kind of the record that says how an occurrence ended.</summary>
    public const string OutcomeKind = "outcome";

    /// <summary>Kind of an enable, disable or trigger command.</summary>
    public const string CommandKind = "command";

    /// <summary>Kind of the marker a new owner writes after fencing the previous one.</summary>
    public const string TakeoverKind = "takeover";

    /// <summary>The <see cref="KindHeader"/> value of execution-log records.</summary>
    public const string ExecutionKind = "execution";

    /// <summary>
    /// A command record, ready to produce to partition 0 of the schedules topic with any producer (no transaction):
    /// key = task ID, value = versioned JSON, <see cref="KindHeader"/> = <c>command</c>.
    /// </summary>
    /// <param name="command">The verb.</param>
    /// <param name="taskId">A task ID, or <see cref="AllTasks"/>.</param>
    /// <param name="issuer">Who wrote the command (free text shown in logs), or null.</param>
    /// <param name="at">When it was issued; now when null.</param>
    public static Message<byte[], byte[]> CreateCommand(ScheduleCommand command, string taskId, string? issuer = null, DateTimeOffset? at = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        if (!Enum.IsDefined(command))
        {
            throw new ArgumentOutOfRangeException(nameof(command), command, "Not a schedule command.");
        }

        return StateMessages.State(new CommandRecord(command, taskId, issuer, at ?? DateTimeOffset.UtcNow));
    }

    /// <summary>The value of <see cref="KindHeader"/> in <paramref name="headers"/>, or null.</summary>
    public static string? ReadKind(Headers? headers) => StateRecordCodec.ReadKindHeader(headers);

    /// <summary>Reads a snapshot record; false for any other kind or for an unreadable record.</summary>
    /// <param name="value">The record's value.</param>
    /// <param name="kindHeader">The <see cref="KindHeader"/> value, or null (it must match the body when given).</param>
    /// <param name="snapshot">The snapshot, when true is returned.</param>
    public static bool TryReadSnapshot(ReadOnlySpan<byte> value, string? kindHeader, [NotNullWhen(true)] out ScheduleSnapshot? snapshot)
    {
        snapshot = null;
        if (kindHeader is not null && kindHeader != SnapshotKind || StateRecordCodec.Decode(value, kindHeader).Record is not SnapshotRecord s)
        {
            return false;
        }

        snapshot = new ScheduleSnapshot(
            s.ScheduleVersion,
            s.AppliedThrough,
            s.Instance,
            s.At,
            [.. s.Tasks.Select(t => new ScheduleTaskState(t.Id, t.Enabled, t.Version, t.LastOccurrence, t.LastOutcome))],
            [.. (s.Definitions ?? []).Select(d => new ScheduleTaskDefinition(d.Id, d.Cron, d.TimeZone, d.AllowOverlap, d.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, d.Exclusive, d.Enabled, d.Version))]);
        return true;
    }

    /// <summary>
    /// Reads the kind and task ID of a claim, outcome or command record; false for snapshots, takeovers and
    /// unreadable records.
    /// </summary>
    /// <param name="value">The record's value.</param>
    /// <param name="kindHeader">The <see cref="KindHeader"/> value, or null.</param>
    /// <param name="kind"><see cref="ClaimKind"/>, <see cref="OutcomeKind"/> or <see cref="CommandKind"/>.</param>
    /// <param name="taskId">The task ID (<see cref="AllTasks"/> for a command to every task).</param>
    public static bool TryReadTaskRecord(ReadOnlySpan<byte> value, string? kindHeader, [NotNullWhen(true)] out string? kind, [NotNullWhen(true)] out string? taskId)
    {
        (kind, taskId) = StateRecordCodec.Decode(value, kindHeader).Record switch
        {
            ClaimRecord c => (ClaimKind, c.TaskId),
            OutcomeRecord o => (OutcomeKind, o.TaskId),
            CommandRecord c => (CommandKind, c.TaskId),
            _ => ((string?)null, (string?)null),
        };
        return kind is not null && taskId is not null;
    }

    /// <summary>Reads a command record (verb and task ID); false for any other kind or an unreadable record.</summary>
    /// <param name="value">The record's value.</param>
    /// <param name="kindHeader">The <see cref="KindHeader"/> value, or null.</param>
    /// <param name="command">The verb.</param>
    /// <param name="taskId">The task ID, or <see cref="AllTasks"/>.</param>
    public static bool TryReadCommand(ReadOnlySpan<byte> value, string? kindHeader, out ScheduleCommand command, [NotNullWhen(true)] out string? taskId)
    {
        if (StateRecordCodec.Decode(value, kindHeader).Record is CommandRecord c)
        {
            (command, taskId) = (c.Command, c.TaskId);
            return true;
        }

        (command, taskId) = (default, null);
        return false;
    }

    /// <summary>
    /// Reads an execution-log record; null when the value is not one, or its <c>"v"</c> is not
    /// <see cref="SchemaVersion"/>. Unknown fields are ignored.
    /// </summary>
    /// <param name="value">The record's value.</param>
    public static ExecutionLogRecord? ReadExecutionLog(ReadOnlySpan<byte> value)
        => StateRecordCodec.DecodeLog(value) is { V: SchemaVersion, Task: not null, Instance: not null } record ? record : null;
}
