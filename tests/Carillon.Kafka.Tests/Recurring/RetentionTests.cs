using System.Collections.Concurrent;
using Carillon.Recurring.State;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class RetentionTests
{
    [Fact]
    public async Task Snapshots_are_rewritten_as_records_accumulate_and_the_committed_offset_follows_the_latest()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        await using var node = await RecurringNode.StartAsync(kafka.BootstrapServers, "owner", RecurringNode.Registry(runs, "1.0.0", "alpha", "beta"), o => o.Recurring.SnapshotEveryRecords = 20);
        await KafkaTestKit.EventuallyAsync(() => node.Status.IsOwner && runs.Any(), "owner running");

        for (var i = 0; i < 60; i++)
        {
            await node.Commands.EnableAsync("beta");
        }

        var topic = new CarillonOptions().Recurring.Topic;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = new CarillonOptions().Recurring.Group }).Build();
        List<(long Offset, SnapshotRecord Snapshot)> snapshots = [];
        long committed = -1;

        // The group offset is the first record the latest committed snapshot does not reflect (read together until
        // both views are of the same moment).
        await KafkaTestKit.EventuallyAsync(
            () =>
            {
                committed = consumer.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
                snapshots = KafkaTestKit.ReadAll(kafka.BootstrapServers, topic)
                    .Select(r => (r.Offset.Value, StateRecordCodec.Decode(r.Message.Value, null).Record))
                    .Where(x => x.Record is SnapshotRecord)
                    .Select(x => (x.Value, (SnapshotRecord)x.Record!))
                    .ToList();
                return snapshots.Count >= 4 && snapshots[^1].Snapshot.AppliedThrough + 1 == committed;
            },
            "snapshots re-written, the latest one committed");

        Assert.True(committed > snapshots[0].Offset, "the replay start moved past the takeover snapshot");
    }

    [Fact]
    public async Task A_committed_offset_that_fell_off_the_log_replays_what_is_left_and_never_crashes()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var registry = RecurringNode.Registry(runs, "1.0.0", "alpha", "beta");
        var topic = new CarillonOptions().Recurring.Topic;

        var first = await RecurringNode.StartAsync(kafka.BootstrapServers, "first", registry);
        await KafkaTestKit.EventuallyAsync(() => first.Status.IsOwner && runs.Any(), "first owner running");
        await first.DisposeAsync();

        // The mock keeps 5 MB per partition, like retention.bytes: push the snapshot and the committed offset out.
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 5 }).Build())
        {
            var junk = new byte[16 * 1024];
            Random.Shared.NextBytes(junk);
            junk[0] = 0xff;
            for (var i = 0; i < 450; i++)
            {
                producer.Produce(new TopicPartition(topic, 0), new Message<byte[], byte[]> { Key = [0], Value = junk });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        using (var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = new CarillonOptions().Recurring.Group }).Build())
        {
            var committed = consumer.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
            var low = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).Low.Value;
            Assert.True(committed < low, $"committed {committed} should have fallen off the log (low watermark {low})");
        }

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await RecurringNode.StartAsync(kafka.BootstrapServers, "second", registry);
        await KafkaTestKit.EventuallyAsync(() => second.Status.IsOwner && runs.Count(r => r.Instance == "second" && r.FiredAt > restartedAt) >= 4, "the new owner runs from what is left", TimeSpan.FromSeconds(90));
        Assert.Equal(runs.Count, runs.Select(r => (r.TaskId, r.Occurrence)).Distinct().Count());
    }
}
