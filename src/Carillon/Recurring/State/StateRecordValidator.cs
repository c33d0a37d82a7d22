namespace Carillon.Recurring.State;

/// <summary>
/// Checks every field of a decoded schedules record before anything uses it (issue 8). The JSON metadata rejects a
/// null where the type has none, but not a <c>null</c> inside an array (<c>"tasks":[null]</c>), an enum given as a
/// number, a task ID of 900 KB or a version that is not one: each of those made an owner throw, and every instance
/// that took over read the same record and threw the same way. A record that fails here is counted and skipped.
/// </summary>
internal static class StateRecordValidator
{
    /// <summary>Longest task ID accepted: the generator's limit (docs/diagnostics.md, CRL002).</summary>
    public const int MaxTaskIdLength = 200;

    /// <summary>Longest run ID, instance, version or term ID accepted; Carillon writes far shorter ones.</summary>
    public const int MaxTextLength = 256;

    /// <summary>Null when the record may be used; otherwise why not (safe to log: no record text in it).</summary>
    public static string? Validate(StateRecord record) => record switch
    {
        CommandRecord c => c.TaskId == IScheduleCommands.AllTasks ? Text(c.Issuer, "issuer", optional: true) : TaskId(c.TaskId) ?? Text(c.Issuer, "issuer", optional: true),
        ClaimRecord c => TaskId(c.TaskId)
            ?? Text(c.RunId, "runId")
            ?? Text(c.Instance, "instance")
            ?? Trigger(c.Trigger)
            ?? Attempt(c.Attempt)
            ?? Version(c.ScheduleVersion, "scheduleVersion")
            ?? Version(c.TaskVersion, "taskVersion"),
        OutcomeRecord o => TaskId(o.TaskId)
            ?? Text(o.RunId, "runId", optional: true)
            ?? Text(o.Instance, "instance")
            ?? Trigger(o.Trigger)
            ?? (Enum.IsDefined(o.Outcome) ? null : "undefined outcome")
            ?? Attempt(o.Attempt)
            ?? Version(o.ScheduleVersion, "scheduleVersion")
            ?? Version(o.TaskVersion, "taskVersion"),
        TakeoverRecord t => Text(t.TermId, "termId") ?? Text(t.Instance, "instance") ?? Version(t.ScheduleVersion, "scheduleVersion"),
        SnapshotRecord s => Snapshot(s),
        _ => "unknown record type",
    };

    private static string? Snapshot(SnapshotRecord s)
    {
        if ((Version(s.ScheduleVersion, "scheduleVersion") ?? Text(s.Instance, "instance")) is { } header)
        {
            return header;
        }

        if (s.AppliedThrough < -1)
        {
            return "negative appliedThrough";
        }

        if (s.Tasks is null || s.PendingTriggers is null)
        {
            return "snapshot without tasks or pendingTriggers";
        }

        foreach (var task in s.Tasks)
        {
            if (task is null)
            {
                return "null entry in tasks";
            }

            if ((TaskId(task.Id) ?? Version(task.Version, "task version", allowEmpty: true)) is { } error)
            {
                return error;
            }

            if (task.LastOutcome is { } outcome && !Enum.IsDefined(outcome))
            {
                return "undefined lastOutcome";
            }

            if (task.OpenRuns is null)
            {
                return "task without openRuns";
            }

            foreach (var run in task.OpenRuns)
            {
                if (run is null)
                {
                    return "null entry in openRuns";
                }

                if ((Text(run.RunId, "runId") ?? Trigger(run.Trigger) ?? Attempt(run.Attempt)) is { } runError)
                {
                    return runError;
                }
            }

            if (task.PendingRetry is { } retry && (Trigger(retry.Trigger) ?? Attempt(retry.Attempt)) is { } retryError)
            {
                return retryError;
            }
        }

        if (Definitions(s.Definitions) is { } definitionError)
        {
            return definitionError;
        }

        foreach (var trigger in s.PendingTriggers)
        {
            if (trigger is null)
            {
                return "null entry in pendingTriggers";
            }

            if ((trigger.TaskId == IScheduleCommands.AllTasks ? null : TaskId(trigger.TaskId)) is { } error)
            {
                return error;
            }

            if (trigger.Offset < 0)
            {
                return "negative trigger offset";
            }
        }

        return null;
    }

    // Absent in snapshots written before issue 10: that is fine, a reader then shows the task without its definition.
    private static string? Definitions(IReadOnlyList<TaskDefinition>? definitions)
    {
        foreach (var d in definitions ?? [])
        {
            if (d is null)
            {
                return "null entry in definitions";
            }

            if ((TaskId(d.Id) ?? Text(d.Cron, "cron") ?? Text(d.TimeZone, "timeZone") ?? Version(d.Version, "definition version", allowEmpty: true)) is { } error)
            {
                return error;
            }

            if (d.TimeoutMs is < 0)
            {
                return "negative timeoutMs";
            }
        }

        return null;
    }

    private static string? TaskId(string? id) => id switch
    {
        null => "null task ID",
        "" => "empty task ID",
        { Length: > MaxTaskIdLength } => $"task ID longer than {MaxTaskIdLength} characters ({id.Length})",
        _ => null,
    };

    private static string? Text(string? value, string field, bool optional = false) => value switch
    {
        null when optional => null,
        null or "" => $"no {field}",
        { Length: > MaxTextLength } => $"{field} longer than {MaxTextLength} characters ({value.Length})",
        _ => null,
    };

    // Versions are free text to Carillon (a non-semantic one compares as 0.0.0), so only presence and length are checked.
    private static string? Version(string? value, string field, bool allowEmpty = false)
        => allowEmpty && value is "" ? null : Text(value, field);

    private static string? Attempt(int attempt) => attempt < 1 ? "attempt below 1" : null;

    private static string? Trigger(ScheduledRunTrigger trigger) => Enum.IsDefined(trigger) ? null : "undefined trigger";
}
