namespace Carillon.Monitoring;

/// <summary>
/// A recurring message (a schedule defined at run time, issue 11) as the read model sees it in the recurring-messages
/// topic: its definition, whether it fires, and what its owners claimed. All text is as read from Kafka: escape it
/// before display.
/// </summary>
public sealed class RecurringMessageView
{
    /// <summary>The schedule's name (the task-ID rule).</summary>
    public required string Name { get; init; }

    /// <summary>The cron expression.</summary>
    public required string Cron { get; init; }

    /// <summary>The time-zone ID the cron is read in; null means UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The topic each occurrence is produced to.</summary>
    public required string TargetTopic { get; init; }

    /// <summary>Whether it fires (its definition, then every enable and disable command).</summary>
    public bool Enabled { get; init; }

    /// <summary>What happens to occurrences missed while no owner ran.</summary>
    public MisfirePolicy MisfirePolicy { get; init; }

    /// <summary>No occurrence before this instant fires; null for none.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>No occurrence after this instant fires; null for none.</summary>
    public DateTimeOffset? EndAt { get; init; }

    /// <summary>Free text from the definition.</summary>
    public string? Description { get; init; }

    /// <summary>The next occurrence it fires at (computed with the runtime's cron rule); null when disabled or past its end.</summary>
    public DateTimeOffset? NextOccurrence { get; init; }

    /// <summary>The latest scheduled occurrence an owner claimed, i.e. produced (null if none yet).</summary>
    public DateTimeOffset? LastOccurrence { get; init; }

    /// <summary>When the latest trigger command that an owner produced was written (null if none).</summary>
    public DateTimeOffset? LastTriggeredAt { get; init; }

    /// <summary>The instance that wrote the latest claim: the owner that last produced it.</summary>
    public string? LastInstance { get; init; }

    /// <summary>Trigger commands written and not yet produced.</summary>
    public int PendingTriggers { get; init; }

    /// <summary>The partition of the recurring-messages topic that holds it (its owner is that partition's).</summary>
    public int Partition { get; init; }
}
