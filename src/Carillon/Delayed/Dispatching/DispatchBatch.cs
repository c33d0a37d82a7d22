using Carillon.Delayed.Envelope;
using Confluent.Kafka;

namespace Carillon.Delayed.Dispatching;

/// <summary>A message to produce to its target, taken from the index.</summary>
internal readonly record struct DispatchItem(long Offset, long DueMs, long TimestampMs, string TargetTopic, byte[] Blob);

/// <summary>A record to copy to the dead-letter topic, with the reason.</summary>
internal sealed record DeadLetterItem(long Offset, long TimestampMs, byte[]? Key, byte[]? Value, Headers Headers, InvalidReason Reason);

/// <summary>
/// What one transaction does for a partition: dispatch <see cref="Items"/>, dead-letter <see cref="DeadLetters"/>,
/// tombstone both on the source partition, and commit the consumer offset <see cref="CommitOffset"/> (the oldest
/// record still pending once these are done).
/// </summary>
internal sealed record DispatchBatch(int Partition, IReadOnlyList<DispatchItem> Items, IReadOnlyList<DeadLetterItem> DeadLetters, long CommitOffset)
{
    public int Count => Items.Count + DeadLetters.Count;
}
