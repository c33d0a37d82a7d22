using Carillon.Delayed.Publishing;
using Carillon.Kafka;
using Carillon.RecurringMessages.Definitions;
using Carillon.RecurringMessages.Firing;
using Confluent.Kafka;

namespace Carillon.RecurringMessages.Publishing;

/// <summary>
/// Reads the recurring-messages topic <c>read_committed</c> from the beginning of each partition up to the high
/// watermark noted when the read starts, and folds it like an owner does (<see cref="RecordFold"/>). No consumer group:
/// the partitions are assigned, so reading never disturbs the owners.
/// </summary>
internal sealed class DefinitionReader(KafkaClientFactory clients, string topic, TimeSpan misfireThreshold)
{
    private static readonly TimeSpan s_metadataTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Reads every partition, or only the one <paramref name="name"/> is partitioned to.</summary>
    public ScheduleBook Read(string? name, CancellationToken cancellationToken)
    {
        var book = new ScheduleBook(misfireThreshold);
        using var consumer = clients.CreateConsumerBuilder<byte[]?, byte[]?>(clients.Consumer(c =>
            {
                c.GroupId = "carillon-recurring-reader"; // required by the client; never joined (assign only, no commits)
                c.IsolationLevel = IsolationLevel.ReadCommitted;
                c.EnableAutoCommit = false;
                c.EnablePartitionEof = true;
                c.FetchWaitMaxMs = 10;
            }))
            .SetKeyDeserializer(Deserializers.ByteArray!)
            .SetValueDeserializer(Deserializers.ByteArray!)
            .Build();
        var partitions = Partitions(name);
        var ends = new Dictionary<int, long>();
        foreach (var p in partitions)
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), s_metadataTimeout);
            if (marks.High.Value > marks.Low.Value)
            {
                ends[p] = marks.High.Value;
            }
        }

        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        while (ends.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: false })
            {
                RecordFold.Apply(book, result.Message, result.Offset.Value);
            }

            // Trailing transaction markers deliver nothing: the position shows the read passed them.
            foreach (var p in ends.Keys.ToList())
            {
                var position = consumer.Position(new TopicPartition(topic, p));
                if (position.Value >= ends[p])
                {
                    ends.Remove(p);
                }
            }
        }

        consumer.Close();
        return book;
    }

    private IReadOnlyList<int> Partitions(string? name)
    {
        using var admin = clients.CreateAdminClientBuilder().Build();
        var metadata = admin.GetMetadata(topic, s_metadataTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.Code != ErrorCode.NoError || metadata.Partitions.Count == 0)
        {
            return [];
        }

        if (name is null)
        {
            return [.. metadata.Partitions.Select(p => p.PartitionId)];
        }

        // The publisher's partitioner is murmur2_random; this is the same choice computed here.
        return [Murmur2.Partition(RecurringWire.Utf8(name), metadata.Partitions.Count)];
    }
}
