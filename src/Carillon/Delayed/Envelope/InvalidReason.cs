namespace Carillon.Delayed.Envelope;

/// <summary>Why a record on the delayed topic cannot be scheduled; the value of the <c>carillon-dlq-reason</c> header.</summary>
internal enum InvalidReason
{
    None = 0,
    MissingScheduleKey,
    MissingTargetTopic,
    InvalidTargetTopic,
    MissingDeliverAt,
    MalformedDeliverAt,
    TooLate,
    TargetRejected,
    TargetTopicUnknown,
    DeliverAtOutOfRange,
    TargetTopicReserved,
    TargetTopicNotAllowed,
}

internal static class InvalidReasons
{
    public static string Describe(this InvalidReason reason) => reason switch
    {
        InvalidReason.MissingScheduleKey => "missing-schedule-key",
        InvalidReason.MissingTargetTopic => "missing-target-topic",
        InvalidReason.InvalidTargetTopic => "invalid-target-topic",
        InvalidReason.MissingDeliverAt => "missing-deliver-at",
        InvalidReason.MalformedDeliverAt => "malformed-deliver-at",
        InvalidReason.TooLate => "max-lateness-exceeded",
        InvalidReason.TargetRejected => "target-rejected",
        InvalidReason.TargetTopicUnknown => "target-topic-unknown",
        InvalidReason.DeliverAtOutOfRange => "deliver-at-out-of-range",
        InvalidReason.TargetTopicReserved => "target-topic-reserved",
        InvalidReason.TargetTopicNotAllowed => "target-topic-not-allowed",
        _ => "none",
    };
}
