namespace Carillon;

/// <summary>How one occurrence of a recurring task ended; one execution-log record is written per outcome.</summary>
public enum ScheduledRunOutcome
{
    /// <summary>The method returned normally.</summary>
    Succeeded = 0,

    /// <summary>The method threw; the error type and message are recorded. Retried while the task has retries left.</summary>
    Failed = 1,

    /// <summary>The task's timeout elapsed: its cancellation token was cancelled.</summary>
    TimedOut = 2,

    /// <summary>Not started because the previous run was still executing and the task disallows overlap.</summary>
    SkippedOverlap = 3,

    /// <summary>Not started because the task is disabled.</summary>
    SkippedDisabled = 4,

    /// <summary>Not started because the stored task version is newer than this instance's.</summary>
    SkippedVersion = 5,

    /// <summary>Claimed but never completed (the owner died or shut down mid-run); it is not re-run.</summary>
    Interrupted = 6,
}
