using System.Collections.Concurrent;
using Carillon.Testing;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class FencingTests
{
    [Fact]
    public async Task A_fenced_owner_stops_starting_runs_at_once_and_takes_the_schedule_back_while_still_assigned()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        await using var node = await RecurringNode.StartAsync(kafka.BootstrapServers, "owner", RecurringNode.Registry(runs));
        await KafkaTestKit.EventuallyAsync(() => node.Status.IsOwner && runs.Count >= 2, "owner running");

        // librdkafka's mock gives every InitProducerId a fresh producer ID, so a second producer with the same
        // transactional.id does not fence the first there as it does on a real broker. The broker's answer to a fenced
        // producer is injected instead: the owner's next transaction is refused with PRODUCER_FENCED.
        kafka.InjectRequestErrors(KafkaApiKey.AddPartitionsToTxn, ErrorCode.ProducerFenced);
        await KafkaTestKit.EventuallyAsync(() => node.Status.Losses >= 1, "the fenced owner stops");
        Assert.Contains("fenced", node.Status.LastLossReason, StringComparison.OrdinalIgnoreCase);
        kafka.ClearRequestErrors(KafkaApiKey.AddPartitionsToTxn);

        // Still assigned partition 0, the instance starts a new term (a new producer, InitTransactions, replay).
        await KafkaTestKit.EventuallyAsync(() => node.Status.IsOwner && node.Status.Terms >= 2, "ownership resumed");
        var resumedAt = DateTimeOffset.UtcNow;
        await KafkaTestKit.EventuallyAsync(() => runs.Count(r => r.FiredAt > resumedAt) >= 2, "runs resumed");
        Assert.Equal(runs.Count, runs.Select(r => r.Occurrence).Distinct().Count());
    }
}
