using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using static Carillon.Kafka.Tests.Delayed.DelayedTestKit;

namespace Carillon.Kafka.Tests.Delayed;

/// <summary>
/// Issue 8: no record on the delayed topic stops a partition or the host. Each poison record sits on partition 0 in
/// front of valid work; the valid work is delivered, the bad record dead-lettered (or held) exactly once.
/// </summary>
public sealed class DelayedPoisonTests
{
    private const string Target = "poison";
    private const int Behind = 20;
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(120);
    private static readonly TopicPartition s_partition0 = new(DelayedTopic, 0);

    [Fact]
    public async Task A_message_due_60_days_ahead_is_held_and_the_messages_behind_it_are_delivered()
    {
        using var kit = new DelayedTestKit(Target);
        using var host = await kit.StartHostAsync();
        await ProduceAsync(kit, Record("far", Target, Ms(DateTimeOffset.UtcNow.AddDays(60))));
        await ProduceBehindAsync(kit);

        AssertDeliveredOnce(kit.DeliveriesByKey(Target, Behind, s_deadline));
        Assert.Empty(kit.ReadFor(DeadLetterTopic, TimeSpan.FromSeconds(1)));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("253402300799000")] // year 9999
    [InlineData("-1")]
    [InlineData("-9223372036854775808")]
    public async Task An_absurd_due_time_is_dead_lettered_once_and_the_messages_behind_it_are_delivered(string deliverAt)
    {
        using var kit = new DelayedTestKit(Target);
        using var host = await kit.StartHostAsync();
        await ProduceAsync(kit, Record("absurd", Target, deliverAt));
        await ProduceBehindAsync(kit);

        AssertDeliveredOnce(kit.DeliveriesByKey(Target, Behind, s_deadline));
        var dead = Assert.Single(kit.ReadUntil(DeadLetterTopic, r => r.Count >= 1, s_deadline));
        Assert.Equal("deliver-at-out-of-range", Header(dead, "carillon-dlq-reason"));
        Assert.Single(kit.ReadFor(DeadLetterTopic, TimeSpan.FromSeconds(2)));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_record_with_a_1_MB_header_is_dead_lettered_once_without_it_and_the_messages_behind_it_are_delivered()
    {
        using var kit = new DelayedTestKit(Target);
        using var host = await kit.StartHostAsync();

        // Legal for a producer and a broker with their default limits raised a little (a Java client's headers count apart).
        using (var big = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kit.Kafka.BootstrapServers, MessageMaxBytes = 3_000_000 }).Build())
        {
            var record = Record("huge-header", Target, Ms(DateTimeOffset.UtcNow));
            record.Headers.Add("blob", new byte[1_000_100]);
            await big.ProduceAsync(s_partition0, record);
        }

        await ProduceBehindAsync(kit);

        AssertDeliveredOnce(kit.DeliveriesByKey(Target, Behind, s_deadline));
        var dead = Assert.Single(kit.ReadUntil(DeadLetterTopic, r => r.Count >= 1, s_deadline));
        Assert.Equal("huge-header", Text(dead.Message.Key));
        Assert.Equal("target-rejected", Header(dead, "carillon-dlq-reason"));
        Assert.Null(Header(dead, "blob"));
        Assert.NotNull(Header(dead, "carillon-dlq-headers-dropped"));
        Assert.Single(kit.ReadFor(DeadLetterTopic, TimeSpan.FromSeconds(3)));
        await host.StopAsync();
    }

    [Fact]
    public async Task Records_targeting_carillon_topics_are_dead_lettered_and_nothing_reaches_those_topics()
    {
        using var kit = new DelayedTestKit(Target);
        kit.Kafka.CreateTopic("carillon_schedules", 1);
        kit.Kafka.CreateTopic("carillon_logs", 1);
        using var host = await kit.StartHostAsync();
        string[] reserved = ["carillon_schedules", "carillon_logs", DelayedTopic, DeadLetterTopic];
        foreach (var topic in reserved)
        {
            await ProduceAsync(kit, Record($"to-{topic}", topic, Ms(DateTimeOffset.UtcNow)));
        }

        await ProduceBehindAsync(kit);

        AssertDeliveredOnce(kit.DeliveriesByKey(Target, Behind, s_deadline));
        var dead = kit.ReadUntil(DeadLetterTopic, r => r.Count >= reserved.Length, s_deadline);
        Assert.Equal(
            reserved.Select(t => $"to-{t}:target-topic-reserved").Order(StringComparer.Ordinal),
            dead.Select(d => $"{Text(d.Message.Key)}:{Header(d, "carillon-dlq-reason")}").Order(StringComparer.Ordinal));
        Assert.Empty(kit.ReadFor("carillon_schedules", TimeSpan.FromSeconds(1)));
        Assert.Empty(kit.ReadFor("carillon_logs", TimeSpan.FromSeconds(1)));
        Assert.DoesNotContain(kit.ReadFor(DelayedTopic, TimeSpan.FromSeconds(1)), m => m.Message.Value is not null && Header(m, "carillon-schedule-key") is not null);
        await host.StopAsync();
    }

    [Fact]
    public async Task With_an_allow_list_a_record_for_another_topic_is_dead_lettered()
    {
        using var kit = new DelayedTestKit(Target, "elsewhere");
        using var host = await kit.StartHostAsync(o => o.Delayed.AllowedTargetTopics = [Target]);
        await ProduceAsync(kit, Record("not-allowed", "elsewhere", Ms(DateTimeOffset.UtcNow)));
        await ProduceBehindAsync(kit);

        AssertDeliveredOnce(kit.DeliveriesByKey(Target, Behind, s_deadline));
        var dead = Assert.Single(kit.ReadUntil(DeadLetterTopic, r => r.Count >= 1, s_deadline));
        Assert.Equal("target-topic-not-allowed", Header(dead, "carillon-dlq-reason"));
        Assert.Empty(kit.ReadFor("elsewhere", TimeSpan.FromSeconds(1)));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_dead_letter_is_not_written_again_when_the_partition_is_reloaded()
    {
        using var kit = new DelayedTestKit(Target);
        var first = await kit.StartHostAsync();
        await ProduceAsync(kit, Record("malformed", Target, "tomorrow"));
        await ProduceBehindAsync(kit);
        Assert.Single(kit.ReadUntil(DeadLetterTopic, r => r.Count >= 1, s_deadline));
        AssertDeliveredOnce(kit.DeliveriesByKey(Target, Behind, s_deadline));

        // The next owner re-reads the partition (the test broker keeps no transactional offsets: from offset 0).
        await first.StopAsync();
        first.Dispose();
        using var second = await kit.StartHostAsync();
        await ProduceAsync(kit, Record("after", Target, Ms(DateTimeOffset.UtcNow)));

        Assert.Equal(Behind + 1, kit.DeliveriesByKey(Target, Behind + 1, s_deadline).Count);
        Assert.Single(kit.ReadFor(DeadLetterTopic, TimeSpan.FromSeconds(2)));
        await second.StopAsync();
    }

    [Fact]
    public async Task Thousands_of_malformed_records_are_dead_lettered_once_each_and_the_messages_behind_them_are_delivered()
    {
        const int garbage = 2_000;
        using var kit = new DelayedTestKit(Target);
        using var host = await kit.StartHostAsync();
        using (var producer = kit.RawProducer())
        {
            for (var i = 0; i < garbage; i++)
            {
                var record = (i % 4) switch
                {
                    0 => Record($"g{i}", Target, "not-a-number"),
                    1 => Record($"g{i}", "bad topic\n", Ms(DateTimeOffset.UtcNow)),
                    2 => new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"g{i}"), Value = [0xff, 0x00], Headers = [] },
                    _ => Record($"g{i}", Target, "\u0000\u001b[31m"),
                };
                producer.Produce(s_partition0, record);
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        await ProduceBehindAsync(kit);

        AssertDeliveredOnce(kit.DeliveriesByKey(Target, Behind, s_deadline));
        kit.ReadUntil(DeadLetterTopic, r => r.Count >= garbage, s_deadline);
        var dead = kit.ReadFor(DeadLetterTopic, TimeSpan.FromSeconds(2));
        Assert.Equal(garbage, dead.Select(d => Text(d.Message.Key)).Distinct().Count());
        Assert.Equal(garbage, dead.Count);
        await host.StopAsync();
    }

    private static string Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static Message<byte[]?, byte[]?> Record(string key, string target, string deliverAt) => new()
    {
        Key = Encoding.UTF8.GetBytes(key),
        Value = Encoding.UTF8.GetBytes(key),
        Headers = new Headers
        {
            { "carillon-target-topic", Encoding.UTF8.GetBytes(target) },
            { "carillon-deliver-at", Encoding.UTF8.GetBytes(deliverAt) },
        },
    };

    private static async Task ProduceAsync(DelayedTestKit kit, Message<byte[]?, byte[]?> message)
    {
        using var producer = kit.RawProducer();
        await producer.ProduceAsync(s_partition0, message);
    }

    // Valid messages on the same partition, behind the poison record.
    private static async Task ProduceBehindAsync(DelayedTestKit kit)
    {
        using var producer = kit.RawProducer();
        for (var i = 0; i < Behind; i++)
        {
            await producer.ProduceAsync(s_partition0, Record($"ok-{i}", Target, Ms(DateTimeOffset.UtcNow.AddMilliseconds(500))));
        }
    }

    private static void AssertDeliveredOnce(Dictionary<string, int> perKey)
    {
        Assert.Equal(Behind, perKey.Count(kv => kv.Key.StartsWith("ok-", StringComparison.Ordinal)));
        Assert.DoesNotContain(perKey, kv => kv.Value != 1);
    }
}
