namespace Carillon.Monitoring;

/// <summary>A delayed message that was dead-lettered, for inspection. All text is as read from Kafka: escape it before display.</summary>
public sealed class DeadLetterView
{
    /// <summary>One of <see cref="Carillon.Protocol.DeadLetterReasons"/>.</summary>
    public required string Reason { get; init; }

    /// <summary>The topic it was meant for, if it named one.</summary>
    public string? TargetTopic { get; init; }

    /// <summary>Its schedule key (the key on the delayed topic) as UTF-8 text, if any.</summary>
    public string? ScheduleKey { get; init; }

    /// <summary>Its due time, if it had a readable one.</summary>
    public DateTimeOffset? DeliverAt { get; init; }

    /// <summary>When it was dead-lettered (the dead letter's timestamp).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The partition of the delayed topic it was read from.</summary>
    public required int SourcePartition { get; init; }

    /// <summary>Its offset in that partition.</summary>
    public required long SourceOffset { get; init; }
}
