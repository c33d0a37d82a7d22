using Carillon.Recurring.State;

namespace Carillon.Protocol;

/// <summary>
/// One record per occurrence outcome on the execution-log topic, keyed by task ID, for dashboards and audits: part of
/// the wire contract (docs/wire-format.md, "Execution log"). Read it with <see cref="ScheduleProtocol.ReadExecutionLog"/>.
/// </summary>
/// <param name="V">The schema version (<see cref="ScheduleProtocol.SchemaVersion"/>); JSON <c>"v"</c>.</param>
/// <param name="Task">The task ID.</param>
/// <param name="Occurrence">The cron occurrence (or trigger time) the run belongs to.</param>
/// <param name="Start">When the run started (equal to <paramref name="End"/> for a skip).</param>
/// <param name="End">When the run ended.</param>
/// <param name="DurationMs">End minus start, in milliseconds.</param>
/// <param name="Outcome">How the occurrence ended.</param>
/// <param name="Trigger">Whether the schedule or a trigger command started it.</param>
/// <param name="ErrorType">The exception type of a failed run, else null.</param>
/// <param name="ErrorMessage">The exception message of a failed run, else null.</param>
/// <param name="Instance">The instance that ran (or skipped) it.</param>
/// <param name="RunId">The run's ID, null when no run was claimed (a skip).</param>
/// <param name="ScheduleVersion">The schedule version of the writer.</param>
/// <param name="TaskVersion">The task's version at the writer.</param>
public sealed record ExecutionLogRecord(
    int V,
    string Task,
    DateTimeOffset Occurrence,
    DateTimeOffset Start,
    DateTimeOffset End,
    double DurationMs,
    ScheduledRunOutcome Outcome,
    ScheduledRunTrigger Trigger,
    string? ErrorType,
    string? ErrorMessage,
    string Instance,
    string? RunId,
    string ScheduleVersion,
    string TaskVersion)
{
    /// <summary>The attempt of the occurrence this record ends (1 for the first; retries count up; issue 13).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>When another attempt of the same occurrence follows: its due time; null when none does.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    internal static ExecutionLogRecord From(OutcomeRecord o) => new(
        StateRecordCodec.SchemaVersion,
        o.TaskId,
        o.Occurrence,
        o.Start,
        o.End,
        (o.End - o.Start).TotalMilliseconds,
        o.Outcome,
        o.Trigger,
        o.ErrorType,
        o.ErrorMessage,
        o.Instance,
        o.RunId,
        o.ScheduleVersion,
        o.TaskVersion)
    {
        Attempt = o.Attempt,
        RetryAt = o.RetryAt,
    };
}
