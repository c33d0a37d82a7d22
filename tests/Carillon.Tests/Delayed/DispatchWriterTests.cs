using System.Text;
using Carillon.Delayed.Dispatching;
using Carillon.Delayed.Index;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace Carillon.Tests.Delayed;

/// <summary>
/// A target the producer refuses at once becomes a dead letter only when the refusal is about the message: a refusal of
/// the producer's transaction state must leave the message to be retried (CI, 3 Dec 2026: a valid message was
/// dead-lettered after an injected INVALID_TXN_STATE). Real Confluent.Kafka producers make both refusals; neither needs a
/// broker, because librdkafka refuses before anything is sent.
/// </summary>
public sealed class DispatchWriterTests
{
    private const long Offset = 42;

    private static DispatchBatch Batch(int valueBytes)
    {
        var blob = EntryBlob.Build(Encoding.UTF8.GetBytes("schedule-1"), null, null, new byte[valueBytes], 100);
        return new DispatchBatch(0, [new DispatchItem(Offset, 1_000, 900, "target", blob)], [], Offset + 1);
    }

    private static List<long> WriteWith(IProducer<byte[]?, byte[]?> producer, DispatchBatch batch, KeylessTargets? keyless = null)
    {
        var rejected = new List<long>();
        var writer = new DispatchWriter(
            new TopicPartition("carillon_delayed", 0), new DelayedOptions(), TimeProvider.System, NullLogger.Instance,
            rejected.Add, batch, null, new DispatchRecords(), keyless ?? new KeylessTargets(_ => []));
        Assert.Throws<ProduceException<byte[]?, byte[]?>>(() => writer.Write(producer));
        return rejected;
    }

    [Fact]
    public void A_target_refused_because_no_transaction_is_open_is_retried_not_dead_lettered()
    {
        // A transactional producer outside a transaction refuses every message as a failed transaction does: "erroneous state".
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = "127.0.0.1:9", TransactionalId = "writer-test" }).Build();

        var rejected = WriteWith(producer, Batch(valueBytes: 10));

        Assert.Empty(rejected);
    }

    [Fact]
    public void A_target_too_large_for_the_producer_is_rejected_to_become_a_dead_letter()
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = "127.0.0.1:9", MessageMaxBytes = 1_000 }).Build();

        var rejected = WriteWith(producer, Batch(valueBytes: 5_000));

        Assert.Equal([Offset], rejected);
    }

    [Fact]
    public void A_keyless_target_refused_for_a_partition_chosen_from_a_stale_count_is_retried_not_dead_lettered()
    {
        // The client's own mock cluster creates "target" (4 partitions) on the first produce; the writer is told it has a
        // partition 999,999, as a stale answer would (issue 14: keyless targets' partitions are chosen by the worker).
        var config = new ProducerConfig { BootstrapServers = "unused:9092" };
        config.Set("test.mock.num.brokers", "1");
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        producer.Produce("target", new Message<byte[]?, byte[]?> { Value = [1] });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));

        var rejected = WriteWith(producer, Batch(valueBytes: 10), new KeylessTargets(_ => [999_999]));

        Assert.Empty(rejected);
    }
}
