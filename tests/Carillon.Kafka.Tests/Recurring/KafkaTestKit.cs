using Carillon.Protocol;
using Carillon.Recurring.State;
using Carillon.Testing;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Recurring;

/// <summary>Broker setup and end-to-end readers for recurring tests.</summary>
internal static class KafkaTestKit
{
    public static EmbeddedKafka StartBroker()
    {
        var kafka = EmbeddedKafka.Start(brokers: 1);

        // Carillon's default group protocol is the consumer protocol here (issue 14): the broker owns the session,
        // set like the nodes' client session (RecurringNode).
        kafka.SetConsumerGroupSessionTimeout(TimeSpan.FromSeconds(6));
        kafka.SetConsumerGroupHeartbeatInterval(ConsumerGroupHeartbeat);
        var defaults = new CarillonOptions();
        kafka.CreateTopic(defaults.Recurring.Topic, 1);
        kafka.CreateTopic(defaults.Recurring.LogsTopic, 1);
        return kafka;
    }

    /// <summary>Reads the whole (single-partition) topic as committed data, up to its current end.</summary>
    public static List<ConsumeResult<byte[], byte[]>> ReadAll(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            FetchWaitMaxMs = 10,
            EnablePartitionEof = true,
        }).Build();
        var partition = new TopicPartition(topic, 0);
        var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High;
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var list = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                if (result.Offset >= end)
                {
                    break;
                }

                continue;
            }

            list.Add(result);
        }

        return list;
    }

    public static List<ExecutionLogRecord> ReadLogs(string bootstrapServers)
        => ReadAll(bootstrapServers, new CarillonOptions().Recurring.LogsTopic)
            .Select(r => StateRecordCodec.DecodeLog(r.Message.Value))
            .OfType<ExecutionLogRecord>()
            .ToList();

    /// <summary>Broker-side session timeout of consumer-protocol (KIP-848) groups in these tests.</summary>
    public static readonly TimeSpan ConsumerGroupSession = TimeSpan.FromSeconds(3);

    /// <summary>Broker-side heartbeat interval of consumer-protocol (KIP-848) groups in these tests.</summary>
    public static readonly TimeSpan ConsumerGroupHeartbeat = TimeSpan.FromMilliseconds(250);

    /// <summary>Waits for <paramref name="condition"/>; <paramref name="poll"/> bounds the error of timings taken after it.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(100));
        }
    }
}
