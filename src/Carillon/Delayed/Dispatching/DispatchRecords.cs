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
/// and keeps nothing after it returns when no delivery handler is given, so the two message objects, the value array
/// of a given length and the digits of a due time or timestamp shared by consecutive messages are reused from one
/// produce to the next. Arrays stay exact-size because <c>Produce</c> sends a whole array.
/// </para>
/// </summary>
internal sealed class DispatchRecords
{
    // Value arrays kept for reuse, by length: a workload's values usually come in a few sizes. Only arrays up to
    // MaxReused bytes are kept, so a worker holds at most ValueSlots × MaxReused bytes of them.
    private const int ValueSlots = 4;
    private const int MaxReused = 32 * 1024;

    private readonly Message<byte[]?, byte[]?> _target = new();
    private readonly Message<byte[]?, byte[]?> _tombstone = new();
    private readonly byte[]?[] _values = new byte[ValueSlots][];
    private int _nextSlot;
    private long _dueMs = long.MinValue;
    private byte[] _dueAscii = [];
    private long _timestampMs = long.MinValue;
    private byte[] _timestampAscii = [];

    /// <summary>
    /// The target message of <paramref name="item"/>; <paramref name="partitionAscii"/> is shared by a batch, and the
    /// schedule key and offset digits are returned for the tombstone. Valid until the next call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Message<byte[]?, byte[]?> Target(in DispatchItem item, byte[] partitionAscii, out byte[] scheduleKey, out byte[] offsetAscii)
    {
        var blob = item.Blob.Span;
        var layout = EntryBlob.Layout.Of(blob);
        scheduleKey = layout.Key(blob).ToArray();
        offsetAscii = TargetMessages.Ascii(item.Offset);
        var headers = new Headers();
        if (layout.HasHeaders)
        {
            EntryBlob.AddHeaders(layout.Headers(blob), headers);
        }

        headers.Add(ControlHeaders.ScheduleKey, scheduleKey);
        headers.Add(ControlHeaders.ScheduledAt, Digits(item.DueMs, ref _dueMs, ref _dueAscii));
        headers.Add(ControlHeaders.SourcePartition, partitionAscii);
        headers.Add(ControlHeaders.SourceOffset, offsetAscii);
        headers.Add(ControlHeaders.OriginalTimestamp, Digits(item.TimestampMs, ref _timestampMs, ref _timestampAscii));
        _target.Key = layout.TargetKey(blob);
        _target.Value = Value(layout.Value(blob));
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

    // A batch due at one instant, or records written together, share these digits.
    private static byte[] Digits(long value, ref long last, ref byte[] digits)
    {
        if (value != last)
        {
            last = value;
            digits = TargetMessages.Ascii(value);
        }

        return digits;
    }

    private byte[] Value(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return [];
        }

        byte[]? array = null;
        if (value.Length <= MaxReused)
        {
            foreach (var kept in _values)
            {
                if (kept is not null && kept.Length == value.Length)
                {
                    array = kept;
                    break;
                }
            }
        }

        if (array is null)
        {
            array = GC.AllocateUninitializedArray<byte>(value.Length);
            if (value.Length <= MaxReused)
            {
                _values[_nextSlot] = array;
                _nextSlot = (_nextSlot + 1) % ValueSlots;
            }
        }

        value.CopyTo(array);
        return array;
    }
}
