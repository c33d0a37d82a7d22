using Carillon.Kafka.Transactions;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Delayed;

/// <summary>
/// Issue 8, https://github.com/confluentinc/librdkafka/issues/5456, https://github.com/confluentinc/librdkafka/issues/5511: a transactional producer whose coordinator disconnects can block in
/// <c>SendOffsetsToTransaction</c> far past its timeout. The dispatch producer is bounded: the transaction ends
/// (aborted or broken) instead of holding its thread, and a new producer commits once the cluster is back.
/// </summary>
public sealed class DelayedTransactionBoundTests
{
    [Fact]
    public void A_transaction_whose_cluster_disappears_mid_commit_ends_and_a_new_producer_commits_after_it_returns()
    {
        using var kit = new DelayedTestKit("bounded");
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = kit.Kafka.BootstrapServers, GroupId = "bounded-group" }).Build();
        var offsets = new[] { new TopicPartitionOffset(DelayedTestKit.DelayedTopic, 0, 1) };

        var first = Create(kit);
        var outcome = first.Execute(p =>
        {
            p.Produce("bounded", new Message<byte[]?, byte[]?> { Value = "lost"u8.ToArray() });
            kit.ClusterDown(); // the coordinator goes away between the writes and the offsets/commit
        }, offsets, consumer.ConsumerGroupMetadata);
        kit.ClusterUp();

        Assert.True(outcome is TransactionOutcome.Aborted or TransactionOutcome.Broken, $"outcome {outcome}");
        var second = outcome == TransactionOutcome.Aborted ? first : Create(kit);
        if (second != first)
        {
            first.Dispose();
        }

        var retried = second.Execute(p => p.Produce("bounded", new Message<byte[]?, byte[]?> { Value = "kept"u8.ToArray() }), offsets, consumer.ConsumerGroupMetadata);
        second.Dispose();

        Assert.Equal(TransactionOutcome.Committed, retried);
        Assert.Contains(kit.ReadUntil("bounded", r => r.Any(m => m.Message.Value is [(byte)'k', ..]), TimeSpan.FromSeconds(60)), m => DelayedTestKit.Text(m.Message.Value) == "kept");
    }

    private static TransactionalProducer Create(DelayedTestKit kit)
    {
        var builder = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = kit.Kafka.BootstrapServers,
            TransactionalId = "bounded-txn",
            ReconnectBackoffMaxMs = 1_000,
        });

        // Retried while the cluster comes back (InitTransactions needs the coordinator).
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return TransactionalProducer.Create(builder, TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (attempt < 10 && e is KafkaException or TimeoutException)
            {
            }
        }
    }
}
