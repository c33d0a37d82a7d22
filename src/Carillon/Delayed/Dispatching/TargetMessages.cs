using System.Globalization;
using System.Text;
using Carillon.Delayed.Envelope;
using Carillon.Delayed.Index;
using Confluent.Kafka;

namespace Carillon.Delayed.Dispatching;

/// <summary>Builds the dead letters, history records and dead-letter tombstones of a dispatch transaction (targets: <see cref="DispatchRecords"/>).</summary>
internal static class TargetMessages
{
    /// <summary>A tombstone that deletes only the record at <paramref name="offset"/> (see <see cref="ControlHeaders.DispatchedOffset"/>).</summary>
    public static Message<byte[]?, byte[]?> Tombstone(byte[] scheduleKey, long offset)
        => new() { Key = scheduleKey, Value = null, Headers = [new Header(ControlHeaders.DispatchedOffset, Ascii(offset))] };

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
