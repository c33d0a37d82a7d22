namespace Carillon.Monitoring;

/// <summary>Delayed messages: per partition of the delayed topic, and in total.</summary>
public sealed class DelayedView
{
    /// <summary>When the view was last brought up to date from the topics.</summary>
    public required DateTimeOffset AsOf { get; init; }

    /// <summary>Every partition, ordered by number.</summary>
    public required IReadOnlyList<DelayedPartitionView> Partitions { get; init; }

    /// <summary>Messages held and not yet dispatched, cancelled or dead-lettered.</summary>
    public long Pending => Partitions.Sum(p => p.Pending);

    /// <summary>Messages dispatched since the view started reading (from the start of the retained log).</summary>
    public long Dispatched => Partitions.Sum(p => p.Dispatched);

    /// <summary>Messages dead-lettered, counted like <see cref="Dispatched"/>.</summary>
    public long DeadLettered => Partitions.Sum(p => p.DeadLettered);
}

/// <summary>One partition of the delayed topic.</summary>
public sealed class DelayedPartitionView
{
    /// <summary>The partition number.</summary>
    public required int Partition { get; init; }

    /// <summary>Messages held and not yet dispatched, cancelled or dead-lettered.</summary>
    public long Pending { get; init; }

    /// <summary>The earliest due time among pending messages.</summary>
    public DateTimeOffset? NextDue { get; init; }

    /// <summary>When the oldest pending message was scheduled (its record's timestamp).</summary>
    public DateTimeOffset? OldestPending { get; init; }

    /// <summary>Messages dispatched since the view started reading (from the start of the retained log).</summary>
    public long Dispatched { get; init; }

    /// <summary>Messages dead-lettered, counted like <see cref="Dispatched"/>.</summary>
    public long DeadLettered { get; init; }
}
