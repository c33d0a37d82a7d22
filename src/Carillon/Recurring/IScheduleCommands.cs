namespace Carillon;

/// <summary>
/// Sends enable, disable and trigger commands to the schedule owner through the schedules topic. Commands are applied
/// by whichever instance owns the schedule, in order, including commands written while no instance was running.
/// </summary>
public interface IScheduleCommands
{
    /// <summary>The task ID that addresses every task of the schedule.</summary>
    public const string AllTasks = "*";

    /// <summary>Enables a task (or <c>*</c>). Throws <see cref="ArgumentException"/> for an ID this application does not declare.</summary>
    Task EnableAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Disables a task (or <c>*</c>): its occurrences are recorded as <see cref="ScheduledRunOutcome.SkippedDisabled"/>.</summary>
    Task DisableAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Runs a task (or <c>*</c>) once now, even when it is disabled.</summary>
    Task TriggerAsync(string taskId, CancellationToken cancellationToken = default);
}
