using Confluent.Kafka;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// The partition of each keyless target message of a partition worker's dispatches: consecutive keyless messages to a
/// topic fill one partition up to <see cref="ChunkBytes"/>, then the next (from a random partition per worker, as
/// librdkafka's sticky partitioner starts). Keyed messages are not chosen here: the producer's murmur2 partitioner places
/// them where any Kafka producer would.
/// <para>
/// Why not the sticky partitioner (issue 14, docs/benchmarks-delayed.md): it changes partition by time
/// (<c>sticky.partitioning.linger.ms</c>, 200 ms with the dispatch producers' former 100 ms linger), so a
/// transaction's targets, written within milliseconds, all went to one partition. An idempotent producer sends one produce request at a time
/// per partition (rdkafka_broker.c, <c>rd_kafka_toppar_producer_serve</c>: <c>max_requests</c> is capped at
/// <c>RD_KAFKA_IDEMP_MAX_INFLIGHT</c> (5) minus the partition's <em>messages</em> in flight), so 1,000 × 16 KiB went as
/// 17 requests of <c>batch.size</c>, each sent when the previous one was answered (librdkafka's "msg" debug log), and
/// meanwhile the broker thread found the queue ready and looped without waiting: 64 such producers woke their broker
/// threads 0.8 M times for 192,000 1 KiB records, against 20–140 k with the targets chunked (11 s of CPU against 5 s).
/// In chunks below <c>batch.size</c> (1,000,000 bytes by default) each partition's share of a transaction is one
/// request (provided nothing is sent before the commit's flush: the producers' long linger, DelayedDispatcher), and a
/// transaction's requests run side by side (up to the connection's 5 in flight). No single sticky window did that for
/// all sizes: 10 ms helped 1 KiB and hurt 16 KiB.
/// </para>
/// One per partition worker; not thread safe.
/// </summary>
internal sealed class KeylessTargets(Func<string, IReadOnlyList<int>> partitions)
{
    /// <summary>The keyless bytes one partition takes before the next is used: half of librdkafka's default <c>batch.size</c>.</summary>
    internal const int ChunkBytes = 512 * 1024;

    // What a record costs beyond its key and value (record header, trace headers): enough to bound tiny values' chunks.
    private const int RecordOverhead = 128;

    private readonly Dictionary<string, Cursor> _cursors = new(StringComparer.Ordinal);

    /// <summary>The target partition of a keyless message of <paramref name="bytes"/> (key and value) to <paramref name="topic"/>.</summary>
    public TopicPartition For(string topic, int bytes)
    {
        if (!_cursors.TryGetValue(topic, out var cursor))
        {
            cursor = new Cursor(topic);
            _cursors[topic] = cursor;
        }

        return cursor.Next(partitions(topic), bytes + RecordOverhead);
    }

    /// <summary>
    /// Where keyless messages to a topic go: the partitions with a leader in turn; with none known (yet), wherever the
    /// partitioner says.
    /// </summary>
    private sealed class Cursor(string topic)
    {
        private TopicPartition? _any;
        private TopicPartition? _current;
        private IReadOnlyList<int>? _partitions;
        private int _index = -1;
        private long _bytes;

        public TopicPartition Next(IReadOnlyList<int> partitions, int bytes)
        {
            if (partitions.Count == 0)
            {
                return _any ??= new TopicPartition(topic, Partition.Any);
            }

            if (_current is null || _bytes >= ChunkBytes || !ReferenceEquals(partitions, _partitions))
            {
                _index = _index < 0 ? Random.Shared.Next(partitions.Count) : (_index + 1) % partitions.Count;
                _partitions = partitions;
                _bytes = 0;
                _current = new TopicPartition(topic, new Partition(partitions[_index]));
            }

            _bytes += bytes;
            return _current;
        }
    }
}
