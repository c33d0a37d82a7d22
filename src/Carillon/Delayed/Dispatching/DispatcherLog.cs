using Microsoft.Extensions.Logging;

namespace Carillon.Delayed.Dispatching;

internal static partial class DispatcherLog
{
    [LoggerMessage(100, LogLevel.Information, "Delayed partition {Partition} assigned: loading offsets {Start}..{Mark}")]
    public static partial void Assigned(ILogger logger, int partition, long start, long mark);

    [LoggerMessage(101, LogLevel.Information, "Delayed partition {Partition} loaded: {Held} held, {Beyond} beyond the horizon")]
    public static partial void Loaded(ILogger logger, int partition, int held, int beyond);

    [LoggerMessage(102, LogLevel.Information, "Delayed partition {Partition} revoked")]
    public static partial void Revoked(ILogger logger, int partition);

    [LoggerMessage(103, LogLevel.Warning, "Invalid record at {Partition}@{Offset} ({Reason}): sent to the dead-letter topic")]
    public static partial void InvalidRecord(ILogger logger, int partition, long offset, string reason);

    [LoggerMessage(104, LogLevel.Warning, "Dispatch transaction on partition {Partition} failed ({Reason}); reloading the partition from offset {Offset}")]
    public static partial void TransactionFailed(ILogger logger, int partition, string reason, long offset);

    [LoggerMessage(105, LogLevel.Warning, "Partition {Partition} was taken over by another dispatcher ({Reason}); stopping it here")]
    public static partial void Fenced(ILogger logger, int partition, string reason);

    [LoggerMessage(106, LogLevel.Information, "Delayed partition {Partition}: re-scanning for records entering the load horizon")]
    public static partial void Rescan(ILogger logger, int partition);

    [LoggerMessage(107, LogLevel.Error, "Delayed dispatcher consumer error: {Reason}")]
    public static partial void ConsumerError(ILogger logger, string reason);

    [LoggerMessage(109, LogLevel.Error, "Delayed dispatcher consumer failed; rebuilding it")]
    public static partial void ConsumerFailed(ILogger logger, Exception exception);

    [LoggerMessage(110, LogLevel.Warning, "Record at {Partition}@{Offset} was refused by the producer ({Reason}); it goes to the dead-letter topic")]
    public static partial void TargetRejected(ILogger logger, int partition, long offset, string reason);

    [LoggerMessage(111, LogLevel.Warning, "Record at {Partition}@{Offset} targets topic {Topic}, which the cluster does not have; it goes to the dead-letter topic")]
    public static partial void TargetTopicUnknown(ILogger logger, int partition, long offset, string topic);

    [LoggerMessage(108, LogLevel.Debug, "Partition {Partition} dispatched {Count} message(s), committed offset {Offset}")]
    public static partial void Dispatched(ILogger logger, int partition, int count, long offset);
}
