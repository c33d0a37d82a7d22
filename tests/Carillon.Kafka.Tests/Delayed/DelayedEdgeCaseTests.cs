using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Carillon.Kafka.Tests.Delayed.DelayedTestKit;

namespace Carillon.Kafka.Tests.Delayed;

public sealed class DelayedEdgeCaseTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(120);

    private static Message<byte[]?, byte[]?> Raw(string key, string value, params (string Name, string Value)[] headers)
    {
        var h = new Headers();
        foreach (var (name, v) in headers)
        {
            h.Add(name, Encoding.UTF8.GetBytes(v));
        }

        return new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value), Headers = h };
    }

    private static string Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_record_beyond_the_horizon_is_picked_up_by_a_rescan()
    {
        using var kit = new DelayedTestKit("far");
        using var host = await kit.StartHostAsync(o => o.Delayed.LoadHorizon = TimeSpan.FromSeconds(2));
        var publisher = host.Services.GetRequiredService<IDelayedMessagePublisher>();
        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(6);
        await publisher.ScheduleAsync("far", (byte[]?)null, "beyond"u8.ToArray(), null, deliverAt);

        var got = kit.ReadUntil("far", r => r.Count >= 1, s_deadline);
        Assert.Equal("beyond", Text(Assert.Single(got).Message.Value));
        Assert.True(DateTimeOffset.UtcNow >= deliverAt);
        await host.StopAsync();
    }

    [Fact]
    public async Task Etf1_and_plain_confluent_records_are_dispatched()
    {
        using var kit = new DelayedTestKit("etf1", "plain");
        using var host = await kit.StartHostAsync();
        using var producer = kit.RawProducer();
        var epoch = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await producer.ProduceAsync("carillon_delayed", Raw("vid1-online", "video", ("scheduler-epoch", epoch), ("scheduler-target-topic", "etf1"), ("scheduler-target-key", "vid1")));
        await producer.ProduceAsync("carillon_delayed", Raw("plain-1", "hello", ("carillon-target-topic", "plain"), ("carillon-deliver-at", Ms(DateTimeOffset.UtcNow.AddSeconds(1))), ("app", "x")));

        var etf1 = Assert.Single(kit.ReadUntil("etf1", r => r.Count >= 1, s_deadline));
        Assert.Equal("vid1", Text(etf1.Message.Key));
        Assert.Equal("video", Text(etf1.Message.Value));
        Assert.Null(Header(etf1, "scheduler-epoch"));
        var plain = Assert.Single(kit.ReadUntil("plain", r => r.Count >= 1, s_deadline));
        Assert.Null(plain.Message.Key);
        Assert.Equal("x", Header(plain, "app"));
        Assert.Equal("plain-1", Header(plain, "carillon-schedule-key"));
        await host.StopAsync();
    }

    [Fact]
    public async Task Invalid_records_go_to_the_dead_letter_topic_with_a_reason_and_the_partition_keeps_going()
    {
        using var kit = new DelayedTestKit("ok");
        kit.Kafka.CreateTopic("one", 1);
        using var host = await kit.StartHostAsync(o => o.Delayed.Partitions = 6);
        using var producer = kit.RawProducer();

        // All on one partition of the delayed topic: the invalid records must not block the valid one behind them.
        var tp = new TopicPartition("carillon_delayed", 0);
        await producer.ProduceAsync(tp, Raw("bad-topic", "1", ("carillon-target-topic", "no spaces allowed"), ("carillon-deliver-at", "1")));
        await producer.ProduceAsync(tp, Raw("bad-time", "2", ("carillon-target-topic", "ok"), ("carillon-deliver-at", "tomorrow")));
        await producer.ProduceAsync(tp, Raw("no-time", "3", ("carillon-target-topic", "ok")));
        await producer.ProduceAsync(tp, Raw("good", "4", ("carillon-target-topic", "ok"), ("carillon-deliver-at", Ms(DateTimeOffset.UtcNow))));

        var dead = kit.ReadUntil("carillon_delayed_dlq", r => r.Count >= 3, s_deadline);
        Assert.Equal(
            ["bad-time:malformed-deliver-at", "bad-topic:invalid-target-topic", "no-time:missing-deliver-at"],
            dead.Select(d => $"{Text(d.Message.Key)}:{Header(d, "carillon-dlq-reason")}").Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("4", Text(Assert.Single(kit.ReadUntil("ok", r => r.Count >= 1, s_deadline)).Message.Value));

        // The invalid records were tombstoned on their own partition.
        var tombstones = kit.ReadUntil("carillon_delayed", r => r.Count(m => m.Message.Value is null) >= 4, s_deadline).Where(m => m.Message.Value is null).ToList();
        Assert.All(tombstones, t => Assert.Equal(0, t.Partition.Value));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_record_the_producer_refuses_goes_to_the_dead_letter_topic_and_the_partition_keeps_going()
    {
        using var kit = new DelayedTestKit("big");
        using var host = await kit.StartHostAsync();

        // Written with a raised size limit; the dispatcher's producer (default 1 MB) refuses the target message.
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kit.Kafka.BootstrapServers, MessageMaxBytes = 3_000_000 }).Build();
        var tp = new TopicPartition("carillon_delayed", 1);
        var huge = Raw("huge", "x", ("carillon-target-topic", "big"), ("carillon-deliver-at", Ms(DateTimeOffset.UtcNow)));
        huge.Value = new byte[1_100_000];
        await producer.ProduceAsync(tp, huge);
        await producer.ProduceAsync(tp, Raw("small", "fine", ("carillon-target-topic", "big"), ("carillon-deliver-at", Ms(DateTimeOffset.UtcNow))));

        Assert.Equal("fine", Text(Assert.Single(kit.ReadUntil("big", r => r.Count >= 1, s_deadline)).Message.Value));
        var dead = Assert.Single(kit.ReadUntil("carillon_delayed_dlq", r => r.Count >= 1, s_deadline));
        Assert.Equal("huge", Text(dead.Message.Key));
        Assert.Equal("target-rejected", Header(dead, "carillon-dlq-reason"));
        Assert.Equal("1", Header(dead, "carillon-source-partition"));
        Assert.Single(kit.ReadFor("big", TimeSpan.FromSeconds(2)));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_target_topic_the_cluster_does_not_have_is_dead_lettered_and_the_partition_keeps_going()
    {
        using var kit = new DelayedTestKit("present");
        // The mock creates any topic a metadata request names unless the client asks it not to: asking it not to is
        // how a cluster without auto-creation answers.
        Action<CarillonOptions> noAutoCreate = o => o.Kafka["allow.auto.create.topics"] = "false";
        var host = await kit.StartHostAsync(noAutoCreate);
        using var producer = kit.RawProducer();
        var tp = new TopicPartition("carillon_delayed", 2);
        var due = Ms(DateTimeOffset.UtcNow);
        await producer.ProduceAsync(tp, Raw("lost", "nowhere", ("carillon-target-topic", "absent"), ("carillon-target-key", "k1"), ("carillon-deliver-at", due), ("app", "a")));
        await producer.ProduceAsync(tp, Raw("kept", "somewhere", ("carillon-target-topic", "present"), ("carillon-deliver-at", due)));

        Assert.Equal("somewhere", Text(Assert.Single(kit.ReadUntil("present", r => r.Count >= 1, s_deadline)).Message.Value));
        var dead = Assert.Single(kit.ReadUntil("carillon_delayed_dlq", r => r.Count >= 1, s_deadline));
        Assert.Equal("lost", Text(dead.Message.Key));
        Assert.Equal("nowhere", Text(dead.Message.Value));
        Assert.Equal("target-topic-unknown", Header(dead, "carillon-dlq-reason"));
        Assert.Equal("absent", Header(dead, "carillon-target-topic"));
        Assert.Equal("k1", Header(dead, "carillon-target-key"));
        Assert.Equal(due, Header(dead, "carillon-deliver-at"));
        Assert.Equal("a", Header(dead, "app"));

        // Tombstoned with the dead letter: a new owner does not dead-letter it again.
        await host.StopAsync();
        host.Dispose();
        using var next = await kit.StartHostAsync(noAutoCreate);
        await producer.ProduceAsync(tp, Raw("later", "after", ("carillon-target-topic", "present"), ("carillon-deliver-at", Ms(DateTimeOffset.UtcNow))));
        Assert.Equal(2, kit.ReadUntil("present", r => r.Count >= 2, s_deadline).Count);
        Assert.Single(kit.ReadFor("carillon_delayed_dlq", TimeSpan.FromSeconds(2)));
        await next.StopAsync();
    }

    [Fact]
    public async Task A_restart_mid_backlog_sends_nothing_twice_and_loses_nothing()
    {
        const int count = 2_000;
        using var kit = new DelayedTestKit("backlog");
        using (var producer = kit.RawProducer())
        {
            var start = DateTimeOffset.UtcNow.AddSeconds(2);
            for (var i = 0; i < count; i++)
            {
                producer.Produce("carillon_delayed", Raw($"b-{i}", $"{i}", ("carillon-target-topic", "backlog"), ("carillon-deliver-at", Ms(start.AddMilliseconds(i * 3)))));
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        // The first instance stops (gracefully) part-way through the backlog; a second one takes over.
        using (var first = await kit.StartHostAsync())
        {
            kit.ReadUntil("backlog", r => r.Count >= count / 3, s_deadline);
            await first.StopAsync();
        }

        using var second = await kit.StartHostAsync();
        var got = kit.ReadUntil("backlog", r => r.Count >= count, s_deadline);
        got.AddRange(kit.ReadFor("backlog", TimeSpan.FromSeconds(3)).Skip(got.Count));
        var perKey = got.GroupBy(m => Header(m, "carillon-schedule-key")!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(count, perKey.Count);
        Assert.All(perKey, kv => Assert.Equal(1, kv.Value));
        await second.StopAsync();
    }
}
