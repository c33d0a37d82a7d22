using Microsoft.Extensions.Logging;

namespace Carillon.RecurringMessages.Firing.Ownership;

// Partition moves (5001-5003) are Debug: a start is quiet, as the delayed dispatcher's (issue 11).
internal static partial class OwnerLog
{
    /// <summary>The shared consumer's events (<see cref="Kafka.Ownership.PartitionOwnershipService"/>) as the owner's.</summary>
    public static Kafka.Ownership.OwnershipEvents Ownership(ILogger logger)
        => new(r => ConsumerError(logger, r), r => ConsumerError(logger, r), e => ConsumerFailed(logger, e), e => Crashed(logger, e));

    [LoggerMessage(5001, LogLevel.Debug, "Recurring-messages partition {Partition} assigned: loading up to offset {Mark}")]
    public static partial void Assigned(ILogger logger, int partition, long mark);

    [LoggerMessage(5002, LogLevel.Debug, "Recurring-messages partition {Partition} loaded: {Schedules} schedules")]
    public static partial void Loaded(ILogger logger, int partition, int schedules);

    [LoggerMessage(5003, LogLevel.Debug, "Recurring-messages partition {Partition} released")]
    public static partial void Released(ILogger logger, int partition);

    [LoggerMessage(5004, LogLevel.Warning, "Recurring-messages partition {Partition}: skipped an unreadable record at offset {Offset}")]
    public static partial void Unreadable(ILogger logger, int partition, long offset);

    [LoggerMessage(5005, LogLevel.Warning, "Recurring-messages partition {Partition}: firing {Count} occurrences ended {Outcome} ({Reason}); retrying")]
    public static partial void FireFailed(ILogger logger, int partition, int count, string outcome, string reason);

    [LoggerMessage(5006, LogLevel.Warning, "Recurring-messages partition {Partition}: this instance was fenced by a newer owner; it fires nothing more until the partition is reassigned")]
    public static partial void Fenced(ILogger logger, int partition);

    [LoggerMessage(5007, LogLevel.Warning, "Recurring-messages partition {Partition}: could not start its transactional producer ({Reason}); retrying")]
    public static partial void InitFailed(ILogger logger, int partition, string reason);

    [LoggerMessage(5008, LogLevel.Error, "Recurring-messages consumer failed; rebuilding it")]
    public static partial void ConsumerFailed(ILogger logger, Exception exception);

    [LoggerMessage(5009, LogLevel.Warning, "Recurring-messages consumer error: {Reason}")]
    public static partial void ConsumerError(ILogger logger, string reason);

    [LoggerMessage(5010, LogLevel.Information, "Schedule {Name}: missed occurrence {Occurrence:o} fired once (misfire policy RunOnce)")]
    public static partial void Misfired(ILogger logger, string name, DateTimeOffset occurrence);

    [LoggerMessage(5011, LogLevel.Error, "Recurring-messages owner crashed")]
    public static partial void Crashed(ILogger logger, Exception exception);

    [LoggerMessage(5012, LogLevel.Warning, "Recurring-messages partition {Partition}: schedule {Name} targets topic {Topic}, which the cluster does not have; occurrence {Occurrence:o} went to the dead-letter topic {DeadLetterTopic}, and so will the next ones until the topic exists")]
    public static partial void TargetTopicUnknown(ILogger logger, int partition, string name, string topic, DateTimeOffset occurrence, string deadLetterTopic);

    [LoggerMessage(5013, LogLevel.Debug, "Recurring-messages partition {Partition}: built {Count} occurrences due at {Due:o} ahead")]
    public static partial void BuiltAhead(ILogger logger, int partition, int count, DateTimeOffset due);

    [LoggerMessage(5014, LogLevel.Debug, "Recurring-messages partition {Partition}: discarded the {Count} occurrences built ahead for {Due:o} (a schedule changed, or they are missed); taking them anew")]
    public static partial void BuiltAheadDiscarded(ILogger logger, int partition, int count, DateTimeOffset due);
}
