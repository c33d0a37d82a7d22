using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Carillon.Delayed.Envelope;
using Carillon.Delayed.Index;
using Confluent.Kafka;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// Builds the target message and the tombstone of each dispatch straight from the packed record in the store
/// (issue 14: copying each record out of the store and splitting it into arrays made a 1 KiB backlog dispatch at
/// 0.34–0.49× of its floor, a quarter of the time in GC). One per partition worker; not thread safe.
/// <para>
/// Confluent.Kafka's <c>Produce</c> hands the key, value and header values to librdkafka with <c>RD_KAFKA_MSG_F_COPY</c>
/// before it returns, and the dispatch producers keep no key or value for their delivery reports
/// (<c>dotnet.producer.delivery.report.fields</c> <c>none</c>), so the two message objects, the arrays of the schedule
/// key, target key, value and offset digits (<see cref="ReusedArrays"/>), and the headers whose values a batch shares
/// (due time, partition, original timestamp) are reused from one produce to the next.
/// </para>
/// </summary>
internal sealed class DispatchRecords
{
    private readonly Message<byte[]?, byte[]?> _target = new();
    private readonly Message<byte[]?, byte[]?> _tombstone = new();

    // Values only up to 32 KiB are kept, so a worker holds at most 4 × 32 KiB of them (and no large-object-heap array).
    private readonly ReusedArrays _values = new(slots: 4, maxLength: 32 * 1024);
    private readonly ReusedArrays _keys = new(slots: 4, maxLength: 1024);
    private readonly ReusedArrays _targetKeys = new(slots: 4, maxLength: 1024);
    private readonly ReusedArrays _offsetDigits = new(slots: 4, maxLength: 20);
    private readonly SharedHeader _scheduledAt = new(ControlHeaders.ScheduledAt);
    private readonly SharedHeader _originalTimestamp = new(ControlHeaders.OriginalTimestamp);
    private Header? _partition;

    /// <summary>
    /// The target message of <paramref name="item"/>; <paramref name="partitionAscii"/> is shared by a batch, and the
    /// schedule key and offset digits are returned for the tombstone. The message and the arrays are valid until the
    /// next call: each is written again for the next message.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Message<byte[]?, byte[]?> Target(in DispatchItem item, byte[] partitionAscii, out byte[] scheduleKey, out byte[] offsetAscii)
    {
        var blob = item.Blob.Span;
        var layout = EntryBlob.Layout.Of(blob);
        scheduleKey = _keys.Copy(layout.Key(blob));
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(item.Offset, digits, out var written);
        offsetAscii = _offsetDigits.Copy(digits[..written]);
        var headers = new Headers();
        if (layout.HasHeaders)
        {
            EntryBlob.AddHeaders(layout.Headers(blob), headers);
        }

        if (_partition is null || !ReferenceEquals(_partition.GetValueBytes(), partitionAscii))
        {
            _partition = new Header(ControlHeaders.SourcePartition, partitionAscii);
        }

        headers.Add(new Header(ControlHeaders.ScheduleKey, scheduleKey));
        headers.Add(_scheduledAt.For(item.DueMs));
        headers.Add(_partition);
        headers.Add(new Header(ControlHeaders.SourceOffset, offsetAscii));
        headers.Add(_originalTimestamp.For(item.TimestampMs));
        _target.Key = layout.HasTargetKey ? _targetKeys.Copy(layout.TargetKeyBytes(blob)) : null;
        _target.Value = _values.Copy(layout.Value(blob));
        _target.Headers = headers;
        return _target;
    }

    /// <summary>The tombstone of a dispatched record (see <see cref="ControlHeaders.DispatchedOffset"/>). Valid until the next call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Message<byte[]?, byte[]?> Tombstone(byte[] scheduleKey, byte[] offsetAscii)
    {
        _tombstone.Key = scheduleKey;
        _tombstone.Value = null;
        _tombstone.Headers = [new Header(ControlHeaders.DispatchedOffset, offsetAscii)];
        return _tombstone;
    }

    // A header whose value a batch due at one instant, or records written together, share: a header is immutable, and
    // kept (with its digits) until the value changes.
    private sealed class SharedHeader(string name)
    {
        private long _value = long.MinValue;
        private Header? _header;

        public Header For(long value)
        {
            if (_header is null || value != _value)
            {
                _value = value;
                _header = new Header(name, TargetMessages.Ascii(value));
            }

            return _header;
        }
    }
}
