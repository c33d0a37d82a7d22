using Carillon.Protocol;

namespace Carillon.Delayed.Envelope;

/// <summary>
/// Header names of the delayed-topic envelope, defined once by the public contract (<see cref="DelayedHeaders"/>). Control headers (<c>carillon-*</c>, <c>scheduler-*</c>) steer the
/// dispatcher and are stripped from the target message; every other header is the user's and is forwarded untouched.
/// </summary>
internal static class ControlHeaders
{
    public const string CarillonPrefix = DelayedHeaders.CarillonPrefix;
    public const string SchedulerPrefix = DelayedHeaders.SchedulerPrefix;

    // Written by publishers (any Kafka client may write them).
    public const string TargetTopic = DelayedHeaders.TargetTopic;
    public const string TargetKey = DelayedHeaders.TargetKey;
    public const string DeliverAt = DelayedHeaders.DeliverAt;

    // etf1 kafka-message-scheduler compatibility: the same meaning, the due time in seconds.
    public const string EtfEpoch = DelayedHeaders.EtfEpoch;
    public const string EtfTargetTopic = DelayedHeaders.EtfTargetTopic;
    public const string EtfTargetKey = DelayedHeaders.EtfTargetKey;

    // On a tombstone written by the dispatcher: the offset of the record it dispatched. Such a tombstone deletes only
    // that record, so a re-schedule of the same key produced between the dispatch and the tombstone survives.
    public const string DispatchedOffset = DelayedHeaders.DispatchedOffset;

    // Added to dispatched target messages.
    public const string ScheduleKey = DelayedHeaders.ScheduleKey;
    public const string ScheduledAt = DelayedHeaders.ScheduledAt;
    public const string SourcePartition = DelayedHeaders.SourcePartition;
    public const string SourceOffset = DelayedHeaders.SourceOffset;
    public const string OriginalTimestamp = DelayedHeaders.OriginalTimestamp;

    // Added to dead-lettered records.
    public const string DeadLetterReason = DelayedHeaders.DeadLetterReason;
    public const string DeadLetterValueDropped = DelayedHeaders.DeadLetterValueDropped;
    public const string DeadLetterHeadersDropped = DelayedHeaders.DeadLetterHeadersDropped;

    public static bool IsControl(string name) => DelayedHeaders.IsControl(name);
}
