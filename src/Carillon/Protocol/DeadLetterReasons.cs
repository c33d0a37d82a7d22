namespace Carillon.Protocol;

/// <summary>The values of the <see cref="DelayedHeaders.DeadLetterReason"/> header (docs/wire-format.md).</summary>
public static class DeadLetterReasons
{
    /// <summary>The record has a value but no key (the schedule key).</summary>
    public const string MissingScheduleKey = "missing-schedule-key";

    /// <summary>Neither <see cref="DelayedHeaders.TargetTopic"/> nor <see cref="DelayedHeaders.EtfTargetTopic"/>.</summary>
    public const string MissingTargetTopic = "missing-target-topic";

    /// <summary>The target topic is not a legal Kafka topic name.</summary>
    public const string InvalidTargetTopic = "invalid-target-topic";

    /// <summary>Neither <see cref="DelayedHeaders.DeliverAt"/> nor <see cref="DelayedHeaders.EtfEpoch"/>.</summary>
    public const string MissingDeliverAt = "missing-deliver-at";

    /// <summary>The due time is not a decimal integer.</summary>
    public const string MalformedDeliverAt = "malformed-deliver-at";

    /// <summary>The message was due longer ago than the configured maximum lateness.</summary>
    public const string MaxLatenessExceeded = "max-lateness-exceeded";

    /// <summary>The target topic refused the message (e.g. too large, not authorized).</summary>
    public const string TargetRejected = "target-rejected";

    /// <summary>The target topic does not exist.</summary>
    public const string TargetTopicUnknown = "target-topic-unknown";

    /// <summary>The due time is before 1970 or further ahead than the configured maximum.</summary>
    public const string DeliverAtOutOfRange = "deliver-at-out-of-range";

    /// <summary>The target is one of Carillon's own topics.</summary>
    public const string TargetTopicReserved = "target-topic-reserved";

    /// <summary>The target topic is not in the configured allow-list.</summary>
    public const string TargetTopicNotAllowed = "target-topic-not-allowed";
}
