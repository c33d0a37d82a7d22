namespace Carillon.Monitoring;

/// <summary>The recurring schedule as the schedules topic shows it.</summary>
public sealed class ScheduleView
{
    /// <summary>When the view was last brought up to date from the topics.</summary>
    public required DateTimeOffset AsOf { get; init; }

    /// <summary>The instance that owns the schedule (wrote the latest takeover), or null if none ever did.</summary>
    public string? OwnerInstance { get; init; }

    /// <summary>Since when <see cref="OwnerInstance"/> owns it (its takeover).</summary>
    public DateTimeOffset? OwnerSince { get; init; }

    /// <summary>The schedule version the owner runs.</summary>
    public string? ScheduleVersion { get; init; }

    /// <summary>Instances waiting to take over, where the cluster can tell (the schedules group's members minus one); null otherwise.</summary>
    public int? StandbyCount { get; init; }

    /// <summary>Every task, ordered by ID.</summary>
    public required IReadOnlyList<TaskView> Tasks { get; init; }

    /// <summary>
    /// The recurring messages defined at run time (issue 11; the recurring-messages topic, read with the owners' own
    /// fold), ordered by name. Empty when there are none or the topic does not exist.
    /// </summary>
    public IReadOnlyList<RecurringMessageView> RecurringMessages { get; init; } = [];
}
