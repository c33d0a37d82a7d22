using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Carillon.Delayed.Envelope;
using Carillon.Delayed.Index;
using Confluent.Kafka;

namespace Carillon.Delayed.Dispatching;

/// <summary>Builds the records one dispatch transaction writes.</summary>
internal static class TargetMessages
{
    public static Message<byte[]?, byte[]?> Target(in DispatchItem item, int partition, out byte[] scheduleKey)
        => Target(item, Ascii(partition), out scheduleKey, out _);

    /// <summary>
    /// The target message; <paramref name="partitionAscii"/> is shared by a batch and <paramref name="offsetAscii"/> is
    /// returned for the tombstone (librdkafka copies header values, so sharing the arrays is safe and saves allocations).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Message<byte[]?, byte[]?> Target(in DispatchItem item, byte[] partitionAscii, out byte[] scheduleKey, out byte[] offsetAscii)
    {
        var parts = EntryBlob.Read(item.Blob);
        scheduleKey = parts.Key;
        offsetAscii = Ascii(item.Offset);
        var headers = parts.Headers;
        headers.Add(ControlHeaders.ScheduleKey, parts.Key);
        headers.Add(ControlHeaders.ScheduledAt, Ascii(item.DueMs));
        headers.Add(ControlHeaders.SourcePartition, partitionAscii);
        headers.Add(ControlHeaders.SourceOffset, offsetAscii);
        headers.Add(ControlHeaders.OriginalTimestamp, Ascii(item.TimestampMs));
        return new Message<byte[]?, byte[]?> { Key = parts.TargetKey, Value = parts.Value, Headers = headers };
    }

    /// <summary>A tombstone that deletes only the record at <paramref name="offset"/> (see <see cref="ControlHeaders.DispatchedOffset"/>).</summary>
    public static Message<byte[]?, byte[]?> Tombstone(byte[] scheduleKey, long offset) => Tombstone(scheduleKey, Ascii(offset));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Message<byte[]?, byte[]?> Tombstone(byte[] scheduleKey, byte[] offsetAscii)
        => new() { Key = scheduleKey, Value = null, Headers = [new Header(ControlHeaders.DispatchedOffset, offsetAscii)] };

    public static Message<byte[]?, byte[]?> DeadLetter(DeadLetterItem item, int partition)
    {
        var headers = new Headers();
        foreach (var header in item.Headers)
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(ControlHeaders.DeadLetterReason, Encoding.ASCII.GetBytes(item.Reason.Describe()));
        headers.Add(ControlHeaders.SourcePartition, Ascii(partition));
        headers.Add(ControlHeaders.SourceOffset, Ascii(item.Offset));
        return new Message<byte[]?, byte[]?> { Key = item.Key, Value = item.Value, Headers = headers };
    }

    public static Message<byte[]?, byte[]?> History(in DispatchItem item, byte[] scheduleKey, int partition, long dispatchedAtMs)
    {
        var json = string.Create(CultureInfo.InvariantCulture,
            $"{{\"targetTopic\":\"{item.TargetTopic}\",\"dueMs\":{item.DueMs},\"dispatchedAtMs\":{dispatchedAtMs},\"partition\":{partition},\"offset\":{item.Offset}}}");
        return new Message<byte[]?, byte[]?> { Key = scheduleKey, Value = Encoding.UTF8.GetBytes(json) };
    }

    public static byte[] Ascii(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(value, digits, out var written);
        return digits[..written].ToArray();
    }
}
