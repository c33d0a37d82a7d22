using Carillon.Recurring.State;

namespace Carillon.Recurring.Scheduling;

/// <summary>One task as the engine runs it: its descriptor, parsed schedule, state and in-flight runs.</summary>
internal sealed class TaskRuntime(ScheduledTaskDescriptor descriptor, CronSchedule? cron, TaskState state)
{
    public ScheduledTaskDescriptor Descriptor { get; } = descriptor;

    /// <summary>Null when the expression or time zone is invalid: the task never runs.</summary>
    public CronSchedule? Cron { get; } = cron;

    public TaskState State { get; } = state;

    public string Id => Descriptor.Id;

    public bool Enabled => State.Enabled ?? Descriptor.Enabled;

    /// <summary>The latest cron occurrence handled; the loop waits for the next one after it.</summary>
    public DateTimeOffset Cursor { get; set; }

    /// <summary>Runs started (or reserved) and not yet returned from the method.</summary>
    public int Running { get; set; }

    /// <summary>True when the stored task version is newer than ours: every occurrence is SkippedVersion.</summary>
    public bool VersionBlocked { get; set; }
}
