namespace Carillon.Delayed.Envelope;

/// <summary>
/// Header names of the delayed-topic envelope. Control headers (<c>carillon-*</c>, <c>scheduler-*</c>) steer the
/// dispatcher and are stripped from the target message; every other header is the user's and is forwarded untouched.
/// </summary>
internal static class ControlHeaders
{
    public const string CarillonPrefix = "carillon-";
    public const string SchedulerPrefix = "scheduler-";

    // Written by publishers (any Kafka client may write them).
    public const string TargetTopic = "carillon-target-topic";
    public const string TargetKey = "carillon-target-key";
    public const string DeliverAt = "carillon-deliver-at";

    // etf1 kafka-message-scheduler compatibility: the same meaning, the due time in seconds.
    public const string EtfEpoch = "scheduler-epoch";
    public const string EtfTargetTopic = "scheduler-target-topic";
    public const string EtfTargetKey = "scheduler-target-key";

    // On a tombstone written by the dispatcher: the offset of the record it dispatched. Such a tombstone deletes only
    // that record, so a re-schedule of the same key produced between the dispatch and the tombstone survives.
    public const string DispatchedOffset = "carillon-dispatched-offset";

    // Added to dispatched target messages.
    public const string ScheduleKey = "carillon-schedule-key";
    public const string ScheduledAt = "carillon-scheduled-at";
    public const string SourcePartition = "carillon-source-partition";
    public const string SourceOffset = "carillon-source-offset";
    public const string OriginalTimestamp = "carillon-original-timestamp";

    // Added to dead-lettered records.
    public const string DeadLetterReason = "carillon-dlq-reason";
    public const string DeadLetterValueDropped = "carillon-dlq-value-dropped";
    public const string DeadLetterHeadersDropped = "carillon-dlq-headers-dropped";

    public static bool IsControl(string name)
        => name.StartsWith(CarillonPrefix, StringComparison.Ordinal) || name.StartsWith(SchedulerPrefix, StringComparison.Ordinal);
}
