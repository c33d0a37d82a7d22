using Carillon.Recurring.State;

namespace Carillon.Recurring.Logs;

/// <summary>One record per occurrence outcome on the logs topic (keyed by task ID), for dashboards and audits.</summary>
internal sealed record ExecutionLogRecord(
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
    public static ExecutionLogRecord From(OutcomeRecord o) => new(
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
        o.TaskVersion);
}
