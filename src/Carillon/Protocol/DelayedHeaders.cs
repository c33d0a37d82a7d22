namespace Carillon.Protocol;

/// <summary>
/// Header names of delayed messages (docs/wire-format.md, "Delayed messages"). Control headers (<c>carillon-*</c>,
/// <c>scheduler-*</c>) steer the dispatcher and are stripped from the delivered message; every other header is the
/// user's and is forwarded untouched. Values are ASCII/UTF-8 bytes; numbers are decimal ASCII.
/// </summary>
public static class DelayedHeaders
{
    /// <summary>The prefix reserved for Carillon's control headers.</summary>
    public const string CarillonPrefix = "carillon-";

    /// <summary>The prefix of the etf1 kafka-message-scheduler control headers, also reserved.</summary>
    public const string SchedulerPrefix = "scheduler-";

    /// <summary>Written by publishers: the topic the message is delivered to (required).</summary>
    public const string TargetTopic = "carillon-target-topic";

    /// <summary>Written by publishers: the key of the delivered message (absent: no key).</summary>
    public const string TargetKey = "carillon-target-key";

    /// <summary>Written by publishers: the due time, Unix milliseconds as decimal ASCII (required unless <see cref="EtfEpoch"/>).</summary>
    public const string DeliverAt = "carillon-deliver-at";

    /// <summary>etf1 compatibility: the due time in Unix seconds (used when <see cref="DeliverAt"/> is absent).</summary>
    public const string EtfEpoch = "scheduler-epoch";

    /// <summary>etf1 compatibility: the target topic (used when <see cref="TargetTopic"/> is absent).</summary>
    public const string EtfTargetTopic = "scheduler-target-topic";

    /// <summary>etf1 compatibility: the target key (used when <see cref="TargetKey"/> is absent).</summary>
    public const string EtfTargetKey = "scheduler-target-key";

    /// <summary>
    /// On a tombstone written by the dispatcher: the offset of the record it dispatched. Such a tombstone deletes only
    /// that record, so a re-schedule of the same key produced between the dispatch and the tombstone survives.
    /// </summary>
    public const string DispatchedOffset = "carillon-dispatched-offset";

    /// <summary>On a delivered message: the schedule key (the delayed record's key).</summary>
    public const string ScheduleKey = "carillon-schedule-key";

    /// <summary>On a delivered message: the due time, Unix milliseconds.</summary>
    public const string ScheduledAt = "carillon-scheduled-at";

    /// <summary>On a delivered or dead-lettered message: the delayed-topic partition it came from.</summary>
    public const string SourcePartition = "carillon-source-partition";

    /// <summary>On a delivered or dead-lettered message: the delayed-topic offset it came from.</summary>
    public const string SourceOffset = "carillon-source-offset";

    /// <summary>On a delivered message: the delayed record's timestamp, Unix milliseconds.</summary>
    public const string OriginalTimestamp = "carillon-original-timestamp";

    /// <summary>On a dead-lettered record: why it was not scheduled (one of <see cref="DeadLetterReasons"/>).</summary>
    public const string DeadLetterReason = "carillon-dlq-reason";

    /// <summary>On a dead-lettered record: the value was dropped because the full record was refused; the header holds the Kafka error name (e.g. <c>MsgSizeTooLarge</c>).</summary>
    public const string DeadLetterValueDropped = "carillon-dlq-value-dropped";

    /// <summary>On a dead-lettered record: the user headers were dropped too; the header holds the Kafka error name.</summary>
    public const string DeadLetterHeadersDropped = "carillon-dlq-headers-dropped";

    /// <summary>True for a reserved control header name (<see cref="CarillonPrefix"/> or <see cref="SchedulerPrefix"/>).</summary>
    /// <param name="name">A header name.</param>
    public static bool IsControl(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.StartsWith(CarillonPrefix, StringComparison.Ordinal) || name.StartsWith(SchedulerPrefix, StringComparison.Ordinal);
    }
}
