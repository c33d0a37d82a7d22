using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using static Carillon.Kafka.Tests.Delayed.DelayedTestKit;

namespace Carillon.Kafka.Tests.Delayed;

/// <summary>Which target partitions dispatches go to (issue 14: keyless targets spread, keyed ones where Kafka's partitioner puts them).</summary>
public sealed class DelayedTargetPartitionTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Keyless_targets_due_together_spread_over_the_target_partitions()
    {
        // One delayed partition: every message is held by one worker and, due at one instant, dispatched in one batch.
        using var kit = new DelayedTestKit(1, 1);
        kit.Kafka.CreateTopic("wide", 6);
        using var host = await kit.StartHostAsync();
        var publisher = host.Services.GetRequiredService<IDelayedMessagePublisher>();
        var at = DateTimeOffset.UtcNow.AddSeconds(3);

        // 40 × 64 KiB: a 2.5 MB batch, several times what one produce request to one partition carries.
        var value = new byte[64 * 1024];
        for (var i = 0; i < 40; i++)
        {
            await publisher.ScheduleAsync("wide", (byte[]?)null, value, null, at, $"s{i}");
        }

        var got = kit.ReadUntil("wide", r => r.Count >= 40, s_deadline);
        Assert.Equal(40, got.Count);
        Assert.True(got.Select(r => r.Partition.Value).Distinct().Count() > 1, "all keyless targets of the batch went to one partition");
        await host.StopAsync();
    }

    [Fact]
    public async Task Keyed_targets_go_to_the_partition_a_murmur2_producer_picks_for_the_key()
    {
        using var kit = new DelayedTestKit(1, 1);
        kit.Kafka.CreateTopic("keyed", 6);
        kit.Kafka.CreateTopic("keyed_reference", 6);
        using var host = await kit.StartHostAsync();
        var publisher = host.Services.GetRequiredService<IDelayedMessagePublisher>();
        var at = DateTimeOffset.UtcNow.AddSeconds(3);
        var keys = Enumerable.Range(0, 30).Select(i => $"order-{i}").ToList();
        foreach (var key in keys)
        {
            await publisher.ScheduleAsync("keyed", Encoding.UTF8.GetBytes(key), new byte[16 * 1024], null, at, key);
        }

        var expected = new Dictionary<string, int>();
        using (var producer = kit.RawProducer())
        {
            foreach (var key in keys)
            {
                var delivered = await producer.ProduceAsync("keyed_reference", new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = [] });
                expected[key] = delivered.Partition.Value;
            }
        }

        var got = kit.ReadUntil("keyed", r => r.Count >= keys.Count, s_deadline);
        Assert.Equal(expected, got.ToDictionary(r => Text(r.Message.Key), r => r.Partition.Value));
        await host.StopAsync();
    }
}
