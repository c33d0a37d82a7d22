using System.Buffers.Text;
using Confluent.Kafka;

namespace Carillon.Delayed.Envelope;

/// <summary>
/// Reads the control headers of a delayed-topic record. Carillon's own headers win over the etf1
/// kafka-message-scheduler ones (<c>scheduler-epoch</c> in seconds, <c>scheduler-target-*</c>) when a record has both.
/// The last occurrence of a header wins, as with Kafka clients' "last header" accessors.
/// </summary>
internal static class EnvelopeParser
{
    public static ScheduleRecord Parse(byte[]? key, byte[]? value, Headers? headers)
    {
        byte[]? topic = null, etfTopic = null, targetKey = null, etfTargetKey = null, deliverAt = null, epoch = null, dispatched = null;
        if (headers is not null)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                var header = headers[i];
                var name = header.Key;
                if (name.Length < 10 || !(name[0] == 'c' || name[0] == 's'))
                {
                    continue; // a user header: cheap rejection before the string comparisons
                }

                switch (name)
                {
                    case ControlHeaders.TargetTopic: topic = header.GetValueBytes(); break;
                    case ControlHeaders.TargetKey: targetKey = header.GetValueBytes(); break;
                    case ControlHeaders.DeliverAt: deliverAt = header.GetValueBytes(); break;
                    case ControlHeaders.EtfTargetTopic: etfTopic = header.GetValueBytes(); break;
                    case ControlHeaders.EtfTargetKey: etfTargetKey = header.GetValueBytes(); break;
                    case ControlHeaders.EtfEpoch: epoch = header.GetValueBytes(); break;
                    case ControlHeaders.DispatchedOffset: dispatched = header.GetValueBytes(); break;
                }
            }
        }

        if (value is null)
        {
            if (dispatched is not null && TryParseLong(dispatched, out var offset) && offset >= 0)
            {
                return new ScheduleRecord(RecordKind.DispatchTombstone, DispatchedOffset: offset);
            }

            return new ScheduleRecord(RecordKind.Cancel);
        }

        if (key is null || key.Length == 0)
        {
            return Invalid(InvalidReason.MissingScheduleKey);
        }

        topic ??= etfTopic;
        if (topic is null)
        {
            return Invalid(InvalidReason.MissingTargetTopic);
        }

        if (!TopicNames.IsValid(topic))
        {
            return Invalid(InvalidReason.InvalidTargetTopic);
        }

        long dueMs;
        if (deliverAt is not null)
        {
            if (!TryParseLong(deliverAt, out dueMs))
            {
                return Invalid(InvalidReason.MalformedDeliverAt);
            }
        }
        else if (epoch is not null)
        {
            if (!TryParseLong(epoch, out var seconds) || seconds is > long.MaxValue / 1000 or < long.MinValue / 1000)
            {
                return Invalid(InvalidReason.MalformedDeliverAt);
            }

            dueMs = seconds * 1000;
        }
        else
        {
            return Invalid(InvalidReason.MissingDeliverAt);
        }

        if (dueMs < 0)
        {
            // Before 1970: no producer means that (issue 8); a far-future bound needs the clock (PartitionState).
            return Invalid(InvalidReason.DeliverAtOutOfRange);
        }

        return new ScheduleRecord(RecordKind.Schedule, dueMs, topic, targetKey ?? etfTargetKey);
    }

    private static ScheduleRecord Invalid(InvalidReason reason) => new(RecordKind.Invalid, Reason: reason);

    // Decimal ASCII only: Utf8Parser with the default format would also accept a trailing part we must reject.
    internal static bool TryParseLong(ReadOnlySpan<byte> text, out long value)
    {
        var trimmed = text.Trim((byte)' ');
        return Utf8Parser.TryParse(trimmed, out value, out var consumed, 'D') && consumed == trimmed.Length && trimmed.Length > 0;
    }
}
