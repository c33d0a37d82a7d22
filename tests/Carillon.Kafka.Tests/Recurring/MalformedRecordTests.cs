using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class MalformedRecordTests
{
    [Fact]
    public async Task Garbage_unknown_schema_and_unknown_commands_are_counted_and_skipped_at_replay_and_live()
    {
        using var kafka = KafkaTestKit.StartBroker();
        long invalid = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Carillon" && instrument.Name == "carillon.recurring.invalid_records")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref invalid, value));
        listener.Start();

        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var partition = new TopicPartition(new CarillonOptions().Recurring.Topic, 0);
        async Task ProduceBadAsync()
        {
            await producer.ProduceAsync(partition, new Message<byte[]?, byte[]?> { Value = [0xff, 0x00, 0x13, 0x37] });
            await producer.ProduceAsync(partition, new Message<byte[]?, byte[]?> { Value = null });
            await producer.ProduceAsync(partition, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("{\"v\":99,\"kind\":\"command\",\"command\":\"enable\",\"taskId\":\"tick\"}") });
            await producer.ProduceAsync(partition, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("{\"v\":1,\"kind\":\"command\",\"command\":\"explode\",\"taskId\":\"tick\",\"issuer\":null,\"at\":\"2026-01-01T00:00:00Z\"}") });
            await producer.ProduceAsync(partition, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("{\"v\":1,\"kind\":\"command\",\"command\":\"disable\",\"taskId\":\"nope\",\"issuer\":null,\"at\":\"2026-01-01T00:00:00Z\"}") });
        }

        // Written before any owner: met during replay.
        await ProduceBadAsync();
        var runs = new ConcurrentQueue<ObservedRun>();
        await using var node = await RecurringNode.StartAsync(kafka.BootstrapServers, "n", RecurringNode.Registry(runs));
        await KafkaTestKit.EventuallyAsync(() => node.Status.IsOwner && runs.Count >= 2, "owner running despite bad records");
        await KafkaTestKit.EventuallyAsync(() => Interlocked.Read(ref invalid) >= 5, "bad records counted at replay");

        // Written while the owner runs: met live.
        await ProduceBadAsync();
        await KafkaTestKit.EventuallyAsync(() => Interlocked.Read(ref invalid) >= 10, "bad records counted live");

        // The consumer is not stalled: a valid command behind the garbage is still applied.
        await node.Commands.DisableAsync("tick");
        await KafkaTestKit.EventuallyAsync(() => KafkaTestKit.ReadLogs(kafka.BootstrapServers).Any(l => l.Outcome == ScheduledRunOutcome.SkippedDisabled), "a later valid command applied");
        Assert.True(node.Status.IsOwner);
    }
}
