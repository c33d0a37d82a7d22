namespace Carillon.Delayed.Envelope;

/// <summary>What a record on the delayed topic means to the dispatcher.</summary>
internal enum RecordKind
{
    /// <summary>A message to dispatch at <see cref="ScheduleRecord.DueMs"/> (replaces an earlier record of the key).</summary>
    Schedule,

    /// <summary>A tombstone from a user: cancels whatever the key holds at a lower offset.</summary>
    Cancel,

    /// <summary>A tombstone written by the dispatcher: deletes only the record at <see cref="ScheduleRecord.DispatchedOffset"/>.</summary>
    DispatchTombstone,

    /// <summary>Cannot be scheduled: goes to the dead-letter topic with <see cref="ScheduleRecord.Reason"/>.</summary>
    Invalid,
}

/// <summary>The parsed control part of a delayed-topic record; the value and user headers stay in the Kafka record.</summary>
internal readonly record struct ScheduleRecord(
    RecordKind Kind,
    long DueMs = 0,
    byte[]? TargetTopic = null,
    byte[]? TargetKey = null,
    long DispatchedOffset = -1,
    InvalidReason Reason = InvalidReason.None);
