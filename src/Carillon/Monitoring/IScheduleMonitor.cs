namespace Carillon.Monitoring;

/// <summary>
/// A live, read-only view of everything Carillon keeps in Kafka: recurring tasks with their definitions, state and
/// recent runs, the schedule's owner, and the delayed messages per partition with their dead letters. It is built only
/// from Carillon's topics (no application code), so a separate process (the CLI, a dashboard) can run it
/// (<see cref="CarillonStandalone"/>). It follows the topics continuously; every read returns the view as of
/// <see cref="ScheduleView.AsOf"/> without blocking.
/// </summary>
public interface IScheduleMonitor
{
    /// <summary>
    /// Completes once the view holds everything the topics held when this was called (their partitions, learned from
    /// the cluster after the call, and where each ends for a read_committed reader), so a caller that reads right after
    /// sees at least that.
    /// A topic the cluster does not have is empty; a cluster that does not answer is waited for: pass a token with a
    /// deadline. Throws <see cref="OperationCanceledException"/> on cancellation, <see cref="TimeoutException"/> when
    /// the cluster answered but a partition's end offset cannot be read, and <see cref="InvalidOperationException"/>
    /// once the monitor has stopped reading (disposed).
    /// </summary>
    Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A number that changes whenever the view takes in something new from the topics. Values computed from the clock
    /// (next occurrences, missed counts) move without it: re-read now and then for those.
    /// </summary>
    long ChangeVersion { get; }

    /// <summary>
    /// Completes with <see cref="ChangeVersion"/> as soon as it differs from <paramref name="knownVersion"/> (at once if
    /// it already does): how a dashboard pushes updates instead of polling. Throws
    /// <see cref="OperationCanceledException"/> on cancellation.
    /// </summary>
    Task<long> WaitForChangeAsync(long knownVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// The recurring schedule: its owner, every task known from the schedules topic, and the recurring messages defined
    /// at run time (<see cref="ScheduleView.RecurringMessages"/>).
    /// </summary>
    ScheduleView GetSchedule();

    /// <summary>One task, or null when the schedules topic has never named it.</summary>
    TaskView? GetTask(string taskId);

    /// <summary>The most recent runs of a task (or of all tasks for <c>"*"</c>), newest first, at most <paramref name="max"/>.</summary>
    IReadOnlyList<RunView> GetRecentRuns(string taskId, int max = 50);

    /// <summary>Delayed messages per partition of the delayed topic.</summary>
    DelayedView GetDelayed();

    /// <summary>The most recent dead letters, newest first, at most <paramref name="max"/>.</summary>
    IReadOnlyList<DeadLetterView> GetDeadLetters(int max = 100);
}
