using System.Globalization;
using System.Text;
using Carillon.Delayed.Envelope;
using Carillon.Delayed.Index;
using Confluent.Kafka;

namespace Carillon.Delayed.Dispatching;

/// <summary>A message to produce to its target, taken from the index; <see cref="Blob"/> is its packed record in the store.</summary>
internal readonly record struct DispatchItem(long Offset, long DueMs, long TimestampMs, string TargetTopic, ReadOnlyMemory<byte> Blob);

/// <summary>A record to copy to the dead-letter topic, with the reason.</summary>
internal sealed record DeadLetterItem(long Offset, long TimestampMs, byte[]? Key, byte[]? Value, Headers Headers, InvalidReason Reason)
{
    /// <summary>
    /// A held record as it was read: the control headers were dropped when it was packed, and are put back so that
    /// the dead letter can be re-published as is.
    /// </summary>
    public static DeadLetterItem FromHeld(ReadOnlySpan<byte> blob, long offset, long dueMs, string targetTopic, InvalidReason reason)
    {
        var parts = EntryBlob.Read(blob);
        parts.Headers.Add(ControlHeaders.TargetTopic, Encoding.UTF8.GetBytes(targetTopic));
        if (parts.TargetKey is not null)
        {
            parts.Headers.Add(ControlHeaders.TargetKey, parts.TargetKey);
        }

        parts.Headers.Add(ControlHeaders.DeliverAt, Encoding.ASCII.GetBytes(dueMs.ToString(CultureInfo.InvariantCulture)));
        return new DeadLetterItem(offset, dueMs - EntryBlob.TimestampDistance(blob), parts.Key, parts.Value, parts.Headers, reason);
    }
}

/// <summary>
/// What one transaction does for a partition: dispatch <see cref="Items"/>, dead-letter <see cref="DeadLetters"/>,
/// tombstone both on the source partition, and commit the consumer offset <see cref="CommitOffset"/> (the oldest
/// record still pending once these are done).
/// </summary>
internal sealed record DispatchBatch(int Partition, IReadOnlyList<DispatchItem> Items, IReadOnlyList<DeadLetterItem> DeadLetters, long CommitOffset)
{
    public int Count => Items.Count + DeadLetters.Count;
}
