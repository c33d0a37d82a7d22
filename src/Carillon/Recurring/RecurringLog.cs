using Microsoft.Extensions.Logging;

namespace Carillon.Recurring;

/// <summary>Source-generated log messages of the recurring-task runtime (event IDs 3000–3099).</summary>
internal static partial class RecurringLog
{
    [LoggerMessage(3000, LogLevel.Information, "Schedule owner: instance {Instance} took over (schedule version {Version}, {Records} records replayed in {ElapsedMs} ms)")]
    public static partial void TookOver(this ILogger logger, string instance, string version, int records, long elapsedMs);

    [LoggerMessage(3001, LogLevel.Information, "Schedule ownership of instance {Instance} ended: {Reason}")]
    public static partial void OwnershipEnded(this ILogger logger, string instance, string reason);

    [LoggerMessage(3002, LogLevel.Error, "Schedule version conflict: this instance has schedule version {Local}, the stored one is newer ({Stored}); running nothing and leaving the schedules group so that an up-to-date instance takes over")]
    public static partial void VersionConflict(this ILogger logger, string local, string stored);

    [LoggerMessage(3003, LogLevel.Warning, "Skipped an invalid schedules record at offset {Offset}: {Reason}")]
    public static partial void InvalidRecord(this ILogger logger, long offset, string reason);

    [LoggerMessage(3004, LogLevel.Warning, "Ignored {Command} command at offset {Offset} for unknown task '{TaskId}'")]
    public static partial void UnknownTaskCommand(this ILogger logger, string command, long offset, string taskId);

    [LoggerMessage(3005, LogLevel.Warning, "Task {TaskId}: occurrence {Occurrence:o} ({Trigger}) was claimed by a previous owner but never completed; recorded as Interrupted and not re-run")]
    public static partial void Interrupted(this ILogger logger, string taskId, DateTimeOffset occurrence, ScheduledRunTrigger trigger);

    [LoggerMessage(3006, LogLevel.Information, "Task {TaskId}: running missed occurrence {Occurrence:o} once (misfire policy RunOnce)")]
    public static partial void MisfireRun(this ILogger logger, string taskId, DateTimeOffset occurrence);

    [LoggerMessage(3007, LogLevel.Information, "Task {TaskId}: skipping missed occurrences up to {Occurrence:o} (misfire policy Skip)")]
    public static partial void MisfireSkip(this ILogger logger, string taskId, DateTimeOffset occurrence);

    [LoggerMessage(3008, LogLevel.Error, "Task {TaskId} failed for occurrence {Occurrence:o} (attempt {Attempt})")]
    public static partial void RunFailed(this ILogger logger, Exception exception, string taskId, DateTimeOffset occurrence, int attempt);

    [LoggerMessage(3009, LogLevel.Warning, "Task {TaskId} timed out after {Timeout} for occurrence {Occurrence:o} (attempt {Attempt}); its token was cancelled")]
    public static partial void RunTimedOut(this ILogger logger, string taskId, TimeSpan timeout, DateTimeOffset occurrence, int attempt);

    [LoggerMessage(3010, LogLevel.Debug, "Task {TaskId}: occurrence {Occurrence:o} {Outcome}")]
    public static partial void RunSkipped(this ILogger logger, string taskId, DateTimeOffset occurrence, ScheduledRunOutcome outcome);

    [LoggerMessage(3011, LogLevel.Warning, "Task {TaskId}: could not claim occurrence {Occurrence:o}; it is not run")]
    public static partial void ClaimFailed(this ILogger logger, string taskId, DateTimeOffset occurrence);

    [LoggerMessage(3012, LogLevel.Error, "Task {TaskId} has an invalid cron expression or time zone ('{Cron}', {TimeZone}); it never runs")]
    public static partial void InvalidSchedule(this ILogger logger, Exception exception, string taskId, string cron, string timeZone);

    [LoggerMessage(3013, LogLevel.Error, "An exception handler threw for task {TaskId}")]
    public static partial void HandlerFailed(this ILogger logger, Exception exception, string taskId);

    [LoggerMessage(3014, LogLevel.Warning, "Task {TaskId}: occurrences between {From:o} and {To:o} were missed while running (late timer); running the latest only")]
    public static partial void Coalesced(this ILogger logger, string taskId, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(3015, LogLevel.Warning, "Could not record outcome {Outcome} of task {TaskId} for occurrence {Occurrence:o}")]
    public static partial void OutcomeNotRecorded(this ILogger logger, string taskId, DateTimeOffset occurrence, ScheduledRunOutcome outcome);

    [LoggerMessage(3016, LogLevel.Error, "Schedule state write failed: {Reason}")]
    public static partial void WriteFailed(this ILogger logger, string reason);

    [LoggerMessage(3017, LogLevel.Error, "Schedules consumer error: {Reason}")]
    public static partial void ConsumerError(this ILogger logger, string reason);

    [LoggerMessage(3018, LogLevel.Warning, "Replay of the schedules topic has not reached the takeover marker after {ElapsedMs} ms; still reading")]
    public static partial void ReplaySlow(this ILogger logger, long elapsedMs);

    [LoggerMessage(3019, LogLevel.Error, "The schedules owner loop failed; ownership is released and the loop restarts with a new consumer")]
    public static partial void OwnerLoopFailed(this ILogger logger, Exception exception);

    [LoggerMessage(3021, LogLevel.Debug, "Schedules partition assigned to instance {Instance} (group member {MemberId}): fencing the previous owner and replaying")]
    public static partial void Assigned(this ILogger logger, string instance, string memberId);

    [LoggerMessage(3022, LogLevel.Warning, "Ignored {Command} command at offset {Offset} for task '{TaskId}': it is not exclusive, and commands apply to exclusive tasks only")]
    public static partial void NonExclusiveTaskCommand(this ILogger logger, string command, long offset, string taskId);

    [LoggerMessage(3020, LogLevel.Information, "Task {TaskId}: applied {Command} (offset {Offset})")]
    public static partial void CommandApplied(this ILogger logger, string taskId, string command, long offset);

    [LoggerMessage(3024, LogLevel.Error, "The schedule state writer failed; the ownership term ends and a new one starts")]
    public static partial void WriterLoopFailed(this ILogger logger, Exception exception);

    [LoggerMessage(3025, LogLevel.Warning, "Task {TaskId}: the stored state says occurrence {Occurrence:o} was already handled, later than any owner could have claimed at {Now:o} (a forged record or a wrong clock); ignored, the schedule resumes from now")]
    public static partial void ImplausibleOccurrence(this ILogger logger, string taskId, DateTimeOffset occurrence, DateTimeOffset now);

    [LoggerMessage(3026, LogLevel.Warning, "{Count} more invalid schedules records were skipped in the last {WindowSeconds} s without a log line each (see carillon.recurring.invalid_records)")]
    public static partial void InvalidRecordsSuppressed(this ILogger logger, long count, int windowSeconds);

    [LoggerMessage(3027, LogLevel.Error, "Task {TaskId}: '{Cron}' has no occurrence after {After:o}; it never runs again (the carillon-recurring health check names it)")]
    public static partial void NeverFires(this ILogger logger, string taskId, string cron, DateTimeOffset after);

    // Retries (issue 13).
    [LoggerMessage(3040, LogLevel.Debug, "Task {TaskId}: attempt {Attempt} of occurrence {Occurrence:o} ({Trigger}) claimed and starting")]
    public static partial void AttemptStarting(this ILogger logger, string taskId, int attempt, DateTimeOffset occurrence, ScheduledRunTrigger trigger);

    [LoggerMessage(3041, LogLevel.Warning, "Task {TaskId}: attempt {Attempt} of occurrence {Occurrence:o} ended {Outcome}; attempt {Next} is due at {RetryAt:o}")]
    public static partial void RetryScheduled(this ILogger logger, string taskId, int attempt, DateTimeOffset occurrence, ScheduledRunOutcome outcome, int next, DateTimeOffset retryAt);

    [LoggerMessage(3042, LogLevel.Error, "Task {TaskId}: attempt {Attempt} of occurrence {Occurrence:o} ended {Outcome}; no retries left")]
    public static partial void RetriesExhausted(this ILogger logger, string taskId, int attempt, DateTimeOffset occurrence, ScheduledRunOutcome outcome);

    [LoggerMessage(3043, LogLevel.Information, "Task {TaskId}: attempt {Attempt} of occurrence {Occurrence:o} dropped: a later occurrence was claimed or decided first")]
    public static partial void RetrySuperseded(this ILogger logger, string taskId, int attempt, DateTimeOffset occurrence);

    [LoggerMessage(3044, LogLevel.Information, "Task {TaskId}: attempt {Attempt} of occurrence {Occurrence:o} was due at {DueAt:o} while no instance ran the schedule; dropped (misfire policy Skip)")]
    public static partial void RetryMisfireSkip(this ILogger logger, string taskId, int attempt, DateTimeOffset occurrence, DateTimeOffset dueAt);

    [LoggerMessage(3045, LogLevel.Information, "Task {TaskId}: attempt {Attempt} of occurrence {Occurrence:o}, pending from the previous owner, is due at {DueAt:o}")]
    public static partial void RetryInherited(this ILogger logger, string taskId, int attempt, DateTimeOffset occurrence, DateTimeOffset dueAt);

    // Where a takeover's time goes (issue 14): milliseconds since the term began, each step where it happened.
    [LoggerMessage(3046, LogLevel.Debug, "Takeover steps of instance {Instance}: fenced +{FencedMs} ms, marker committed +{MarkerCommittedMs} ms, committed offset read +{OffsetReadMs} ms, first record +{FirstRecordMs} ms, marker read +{MarkerReadMs} ms, clock running +{RunningMs} ms")]
    public static partial void TakeoverSteps(this ILogger logger, string instance, long fencedMs, long markerCommittedMs, long offsetReadMs, long firstRecordMs, long markerReadMs, long runningMs);

    [LoggerMessage(3047, LogLevel.Debug, "The standby's warm-up of the takeover code failed (the takeover runs it regardless): {Reason}")]
    public static partial void RehearsalFailed(this ILogger logger, string reason);
}
