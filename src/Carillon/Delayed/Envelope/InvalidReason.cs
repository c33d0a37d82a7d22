using Carillon.Protocol;

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
        InvalidReason.MissingScheduleKey => DeadLetterReasons.MissingScheduleKey,
        InvalidReason.MissingTargetTopic => DeadLetterReasons.MissingTargetTopic,
        InvalidReason.InvalidTargetTopic => DeadLetterReasons.InvalidTargetTopic,
        InvalidReason.MissingDeliverAt => DeadLetterReasons.MissingDeliverAt,
        InvalidReason.MalformedDeliverAt => DeadLetterReasons.MalformedDeliverAt,
        InvalidReason.TooLate => DeadLetterReasons.MaxLatenessExceeded,
        InvalidReason.TargetRejected => DeadLetterReasons.TargetRejected,
        InvalidReason.TargetTopicUnknown => DeadLetterReasons.TargetTopicUnknown,
        InvalidReason.DeliverAtOutOfRange => DeadLetterReasons.DeliverAtOutOfRange,
        InvalidReason.TargetTopicReserved => DeadLetterReasons.TargetTopicReserved,
        InvalidReason.TargetTopicNotAllowed => DeadLetterReasons.TargetTopicNotAllowed,
        _ => "none",
    };
}
