using Carillon.Protocol;

namespace Carillon.Recurring.State;

/// <summary>
/// Records of the schedules topic. Every value is JSON carrying <c>"v"</c> (the schema version) and <c>"kind"</c>;
/// the kind is also in the <see cref="StateRecordCodec.KindHeader"/> header so that tools can filter without parsing.
/// </summary>
internal abstract record StateRecord
{
    public abstract string Kind { get; }
}

/// <summary>
/// The owner's full state. <see cref="AppliedThrough"/> is the offset of the last schedules record the owner had
/// applied when it took the snapshot; the group offset committed with it is <c>AppliedThrough + 1</c>, so a new owner
/// reads every record the snapshot does not reflect (including commands written before the snapshot itself).
/// </summary>
internal sealed record SnapshotRecord(
    string ScheduleVersion,
    long AppliedThrough,
    string Instance,
    DateTimeOffset At,
    IReadOnlyList<TaskSnapshot> Tasks,
    IReadOnlyList<PendingTrigger> PendingTriggers,
    IReadOnlyList<TaskDefinition>? Definitions = null) : StateRecord
{
    public override string Kind => RecordKinds.Snapshot;
}

/// <summary>
/// A task as its writer declares it (issue 10): every task of the writer's registry, per-instance ones included, so
/// that a reader with no application code (the CLI, a dashboard) can show and compute its schedule. Absent from
/// snapshots written before issue 10 (<see cref="SnapshotRecord.Definitions"/> null).
/// </summary>
internal sealed record TaskDefinition(
    string Id,
    string Cron,
    string TimeZone,
    bool AllowOverlap,
    long? TimeoutMs,
    bool Exclusive,
    bool Enabled,
    string Version)
{
    public static TaskDefinition From(ScheduledTaskDescriptor d)
        => new(d.Id, d.Cron, d.TimeZone, d.AllowOverlap, d.Timeout is { } t ? (long)t.TotalMilliseconds : null, d.Exclusive, d.Enabled, d.Version);
}

internal sealed record TaskSnapshot(
    string Id,
    bool Enabled,
    string Version,
    DateTimeOffset? LastOccurrence,
    ScheduledRunOutcome? LastOutcome,
    IReadOnlyList<OpenRun> OpenRuns,
    PendingRetry? PendingRetry = null);

/// <summary>A claimed run with no outcome yet (<paramref name="Attempt"/>: of its occurrence, 1 for the first).</summary>
internal sealed record OpenRun(string RunId, DateTimeOffset Occurrence, ScheduledRunTrigger Trigger, long? TriggerOffset, int Attempt = 1);

/// <summary>
/// The next attempt of a failed occurrence, due at <paramref name="DueAt"/>: held in the state (issue 13) so that a new
/// owner performs it if this one dies between attempts.
/// </summary>
internal sealed record PendingRetry(DateTimeOffset Occurrence, ScheduledRunTrigger Trigger, long? TriggerOffset, int Attempt, DateTimeOffset DueAt);

/// <summary>A trigger command applied but not yet claimed (its offset identifies it).</summary>
internal sealed record PendingTrigger(string TaskId, long Offset);

/// <summary>Written and committed before a run starts: the occurrence is taken, cluster-wide, at most once.</summary>
internal sealed record ClaimRecord(
    string TaskId,
    DateTimeOffset Occurrence,
    string RunId,
    string Instance,
    ScheduledRunTrigger Trigger,
    long? TriggerOffset,
    string ScheduleVersion,
    string TaskVersion,
    int Attempt = 1) : StateRecord
{
    public override string Kind => RecordKinds.Claim;
}

/// <summary>
/// How an attempt of an occurrence ended (a run, or a skip decided without a run). <paramref name="RetryAt"/> is set
/// when another attempt follows, and is then the pending retry's due time.
/// </summary>
internal sealed record OutcomeRecord(
    string TaskId,
    DateTimeOffset Occurrence,
    string? RunId,
    string Instance,
    ScheduledRunTrigger Trigger,
    long? TriggerOffset,
    ScheduledRunOutcome Outcome,
    DateTimeOffset Start,
    DateTimeOffset End,
    string? ErrorType,
    string? ErrorMessage,
    string ScheduleVersion,
    string TaskVersion,
    int Attempt = 1,
    DateTimeOffset? RetryAt = null) : StateRecord
{
    public override string Kind => RecordKinds.Outcome;
}

/// <summary>Enable, disable or trigger one task or <c>*</c>; written by any client with a plain producer.</summary>
internal sealed record CommandRecord(ScheduleCommand Command, string TaskId, string? Issuer, DateTimeOffset At) : StateRecord
{
    public override string Kind => RecordKinds.Command;
}

/// <summary>
/// Written by a new owner right after fencing the previous one: replay ends when the owner reads its own marker, which
/// is exact even on a partition that never shows EOF because commands keep arriving.
/// </summary>
internal sealed record TakeoverRecord(string TermId, string Instance, string ScheduleVersion, DateTimeOffset At) : StateRecord
{
    public override string Kind => RecordKinds.Takeover;
}

/// <summary>The <c>kind</c> values, defined once by the public contract (docs/wire-format.md).</summary>
internal static class RecordKinds
{
    public const string Snapshot = ScheduleProtocol.SnapshotKind;
    public const string Claim = ScheduleProtocol.ClaimKind;
    public const string Outcome = ScheduleProtocol.OutcomeKind;
    public const string Command = ScheduleProtocol.CommandKind;
    public const string Takeover = ScheduleProtocol.TakeoverKind;
}
