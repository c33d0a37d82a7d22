using Microsoft.Extensions.Logging;

namespace Carillon.Delayed.Dispatching;

internal static partial class DispatcherLog
{
    /// <summary>The shared consumer's events (<see cref="Kafka.Ownership.PartitionOwnershipService"/>) as the dispatcher's.</summary>
    public static Kafka.Ownership.OwnershipEvents Ownership(ILogger logger)
        => new(r => ConsumerError(logger, r), r => ConsumeError(logger, r), e => ConsumerFailed(logger, e), e => DispatcherCrashed(logger, e));

    [LoggerMessage(100, LogLevel.Debug, "Delayed partition {Partition} assigned: loading offsets {Start}..{Mark}")]
    public static partial void Assigned(ILogger logger, int partition, long start, long mark);

    [LoggerMessage(101, LogLevel.Debug, "Delayed partition {Partition} loaded: {Held} held, {Beyond} beyond the horizon")]
    public static partial void Loaded(ILogger logger, int partition, int held, int beyond);

    [LoggerMessage(102, LogLevel.Debug, "Delayed partition {Partition} revoked")]
    public static partial void Revoked(ILogger logger, int partition);

    [LoggerMessage(103, LogLevel.Warning, "Record at {Partition}@{Offset} dead-lettered ({Reason})")]
    public static partial void InvalidRecord(ILogger logger, int partition, long offset, string reason);

    [LoggerMessage(104, LogLevel.Warning, "Dispatch transaction on partition {Partition} failed ({Reason}); reloading the partition from offset {Offset}")]
    public static partial void TransactionFailed(ILogger logger, int partition, string reason, long offset);

    [LoggerMessage(105, LogLevel.Warning, "Delayed partition {Partition}: a newer producer with this transactional ID fenced this one ({Reason}); not writing for it until the group reassigns it, or rebuilding after {Wait} if it stays here")]
    public static partial void Fenced(ILogger logger, int partition, string reason, TimeSpan wait);

    [LoggerMessage(106, LogLevel.Debug, "Delayed partition {Partition}: re-scanning for records entering the load horizon")]
    public static partial void Rescan(ILogger logger, int partition);

    [LoggerMessage(107, LogLevel.Error, "Delayed dispatcher consumer error: {Reason}")]
    public static partial void ConsumerError(ILogger logger, string reason);

    [LoggerMessage(109, LogLevel.Error, "Delayed dispatcher consumer failed; rebuilding it")]
    public static partial void ConsumerFailed(ILogger logger, Exception exception);

    [LoggerMessage(110, LogLevel.Warning, "Record at {Partition}@{Offset} was refused by the producer ({Reason}); it goes to the dead-letter topic")]
    public static partial void TargetRejected(ILogger logger, int partition, long offset, string reason);

    [LoggerMessage(111, LogLevel.Warning, "Record at {Partition}@{Offset} targets topic {Topic}, which the cluster does not have; it goes to the dead-letter topic")]
    public static partial void TargetTopicUnknown(ILogger logger, int partition, long offset, string topic);

    [LoggerMessage(112, LogLevel.Warning, "Delayed partition {Partition}: the transactional producer is unusable ({Reason}); building a new one and reloading from the committed offset")]
    public static partial void ProducerBroken(ILogger logger, int partition, string reason);

    [LoggerMessage(113, LogLevel.Warning, "Delayed partition {Partition}: could not prepare the load ({Step}: {Reason}); retrying in {Backoff}")]
    public static partial void PrepareFailed(ILogger logger, int partition, string step, string reason, TimeSpan backoff);

    [LoggerMessage(114, LogLevel.Error, "Delayed partition {Partition}: the dispatch loop failed; it is restarted and the partition reloaded")]
    public static partial void WorkerLoopFailed(ILogger logger, int partition, Exception exception);

    [LoggerMessage(115, LogLevel.Warning, "Delayed partition {Partition}: fenced {Wait} ago and still assigned here; rebuilding its producer")]
    public static partial void FencedRebuild(ILogger logger, int partition, TimeSpan wait);

    [LoggerMessage(116, LogLevel.Warning, "Record at {Partition}@{Offset} could not be applied ({Reason}); skipped")]
    public static partial void RecordSkipped(ILogger logger, int partition, long offset, string reason);

    [LoggerMessage(117, LogLevel.Error, "Dead letter for {Partition}@{Offset} refused by the producer even without its value and user headers ({Reason}); skipped")]
    public static partial void DeadLetterSkipped(ILogger logger, int partition, long offset, string reason);

    [LoggerMessage(118, LogLevel.Warning, "Delayed partition {Partition}: released while a Kafka call was still running; it ends on its own and the next owner's InitTransactions fences it")]
    public static partial void ReleaseAbandoned(ILogger logger, int partition);

    [LoggerMessage(119, LogLevel.Warning, "Delayed dispatcher: transient consume error ({Reason}); consuming on")]
    public static partial void ConsumeError(ILogger logger, string reason);

    [LoggerMessage(120, LogLevel.Critical, "Delayed dispatcher failed for a reason that is Carillon's bug; the host stops with exit code 1")]
    public static partial void DispatcherCrashed(ILogger logger, Exception exception);

    [LoggerMessage(108, LogLevel.Debug, "Partition {Partition} dispatched {Count} message(s), committed offset {Offset}")]
    public static partial void Dispatched(ILogger logger, int partition, int count, long offset);

    [LoggerMessage(121, LogLevel.Information, "Delayed messages: {Partitions} assigned partitions loaded in {ElapsedMs} ms ({Held} held, {Beyond} beyond the horizon)")]
    public static partial void AssignmentLoaded(ILogger logger, int partitions, long elapsedMs, long held, long beyond);

    [LoggerMessage(122, LogLevel.Debug, "Delayed partition {Partition}: the consumer was at {Position}, past the load's mark, with the records from {Start} on not delivered; reading on from {Start}")]
    public static partial void LoadSeekRepeated(ILogger logger, int partition, long start, long position);
}
