using System.Text;
using Carillon.Delayed.Envelope;
using Carillon.Protocol;
using Confluent.Kafka;

namespace Carillon.Monitoring.Following;

/// <summary>
/// Follows the delayed topic and its dead-letter topic: per partition, what is pending (by schedule key, as the
/// dispatcher's own envelope parser reads it), its earliest due time and oldest record, the dispatcher's tombstones,
/// and the dead letters (the most recent <see cref="MaxDeadLetters"/> kept for inspection, all counted).
/// </summary>
internal sealed class DelayedFollower
{
    /// <summary>Dead letters kept for inspection.</summary>
    public const int MaxDeadLetters = 1_000;

    private readonly Lock _gate = new();
    private readonly SortedDictionary<int, PartitionCounts> _partitions = [];
    private readonly Queue<DeadLetterView> _deadLetters = new();

    /// <summary>Makes a partition known, so that an empty one is shown too.</summary>
    public void AddPartition(int partition)
    {
        lock (_gate)
        {
            Get(partition);
        }
    }

    /// <summary>Takes one record of the delayed topic.</summary>
    public void AddDelayed(int partition, long offset, byte[]? key, byte[]? value, Headers? headers, DateTimeOffset timestamp)
    {
        var record = EnvelopeParser.Parse(key, value, headers);
        lock (_gate)
        {
            var p = Get(partition);
            switch (record.Kind)
            {
                case RecordKind.Schedule:
                    p.Pending[key!] = new Held(offset, record.DueMs, timestamp.ToUnixTimeMilliseconds());
                    break;
                case RecordKind.Cancel when key is not null:
                    p.Pending.Remove(key);
                    break;
                case RecordKind.DispatchTombstone:
                    p.Tombstones++;
                    if (key is not null && p.Pending.TryGetValue(key, out var held) && held.Offset == record.DispatchedOffset)
                    {
                        p.Pending.Remove(key);
                    }

                    break;
            }
        }
    }

    /// <summary>Takes one record of the dead-letter topic.</summary>
    public void AddDeadLetter(byte[]? key, Headers? headers, DateTimeOffset timestamp)
    {
        var reason = Text(headers, DelayedHeaders.DeadLetterReason) ?? "unknown";
        var partition = Number(headers, DelayedHeaders.SourcePartition) is { } sp && sp is >= 0 and <= int.MaxValue ? (int)sp : -1;
        var offset = Number(headers, DelayedHeaders.SourceOffset) ?? -1;
        var due = Number(headers, DelayedHeaders.DeliverAt) ?? (Number(headers, DelayedHeaders.EtfEpoch) is { } s && s is < long.MaxValue / 1000 and > long.MinValue / 1000 ? s * 1000 : null);
        var view = new DeadLetterView
        {
            Reason = reason,
            TargetTopic = Text(headers, DelayedHeaders.TargetTopic) ?? Text(headers, DelayedHeaders.EtfTargetTopic),
            ScheduleKey = key is null ? null : Encoding.UTF8.GetString(key),
            DeliverAt = due is { } ms && ms is >= -62_135_596_800_000 and <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            At = timestamp,
            SourcePartition = partition,
            SourceOffset = offset,
        };
        lock (_gate)
        {
            if (partition >= 0)
            {
                var p = Get(partition);
                p.DeadLettered++;
                if (key is not null)
                {
                    // The dispatcher also tombstones a dead-lettered record that had a key: that is not a dispatch.
                    p.DeadLetteredWithKey++;
                    if (p.Pending.TryGetValue(key, out var held) && held.Offset == offset)
                    {
                        p.Pending.Remove(key);
                    }
                }
            }

            if (_deadLetters.Count >= MaxDeadLetters)
            {
                _deadLetters.Dequeue();
            }

            _deadLetters.Enqueue(view);
        }
    }

    public IReadOnlyList<DelayedPartitionView> Partitions()
    {
        lock (_gate)
        {
            return [.. _partitions.Select(kv => kv.Value.ToView(kv.Key))];
        }
    }

    public IReadOnlyList<DeadLetterView> DeadLetters(int max)
    {
        lock (_gate)
        {
            return [.. _deadLetters.Reverse().Take(Math.Max(0, max))];
        }
    }

    private PartitionCounts Get(int partition)
    {
        if (!_partitions.TryGetValue(partition, out var p))
        {
            p = new PartitionCounts();
            _partitions.Add(partition, p);
        }

        return p;
    }

    private static string? Text(Headers? headers, string name)
        => headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static long? Number(Headers? headers, string name)
        => headers is not null && headers.TryGetLastBytes(name, out var bytes) && EnvelopeParser.TryParseLong(bytes, out var value) ? value : null;

    private readonly record struct Held(long Offset, long DueMs, long TimestampMs);

    private sealed class PartitionCounts
    {
        public Dictionary<byte[], Held> Pending { get; } = new(ByteKeyComparer.Instance);

        public long Tombstones { get; set; }

        public long DeadLettered { get; set; }

        public long DeadLetteredWithKey { get; set; }

        public DelayedPartitionView ToView(int partition)
        {
            long? nextDue = null, oldest = null;
            foreach (var held in Pending.Values)
            {
                nextDue = nextDue is { } n && n <= held.DueMs ? n : held.DueMs;
                oldest = oldest is { } o && o <= held.TimestampMs ? o : held.TimestampMs;
            }

            return new DelayedPartitionView
            {
                Partition = partition,
                Pending = Pending.Count,
                NextDue = nextDue is { } due ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(due, 253_402_300_799_999)) : null,
                OldestPending = oldest is { } ts ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(0, ts)) : null,

                // Tombstones and dead letters are read from two topics that need not be at the same point: the
                // difference can lag by a few records, never goes below zero, and is exact once both are caught up.
                Dispatched = Math.Max(0, Tombstones - DeadLetteredWithKey),
                DeadLettered = DeadLettered,
            };
        }
    }

    private sealed class ByteKeyComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteKeyComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
