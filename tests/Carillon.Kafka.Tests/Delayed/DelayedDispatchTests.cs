using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Carillon.Kafka.Tests.Delayed.DelayedTestKit;

namespace Carillon.Kafka.Tests.Delayed;

public sealed class DelayedDispatchTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Scheduled_messages_are_delivered_once_with_value_headers_and_trace_headers()
    {
        using var kit = new DelayedTestKit("orders");
        using var host = await kit.StartHostAsync();
        var publisher = host.Services.GetRequiredService<IDelayedMessagePublisher>();

        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(1);
        var key = await publisher.ScheduleAsync("orders", Encoding.UTF8.GetBytes("order-1"), Encoding.UTF8.GetBytes("hello"),
            [new("trace", Encoding.UTF8.GetBytes("t1"))], deliverAt);

        var got = kit.ReadUntil("orders", r => r.Count >= 1, s_deadline);
        var message = Assert.Single(got);
        Assert.True(DateTimeOffset.UtcNow >= deliverAt);
        Assert.Equal("hello", Text(message.Message.Value));
        Assert.Equal("order-1", Text(message.Message.Key));
        Assert.Equal("t1", Header(message, "trace"));
        Assert.Equal(key, Header(message, "carillon-schedule-key"));
        Assert.Equal(deliverAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), Header(message, "carillon-scheduled-at"));
        Assert.NotNull(Header(message, "carillon-source-offset"));
        Assert.Null(Header(message, "carillon-target-topic"));
        Assert.Null(Header(message, "carillon-deliver-at"));

        Assert.Single(kit.ReadFor("orders", TimeSpan.FromSeconds(2)));
        await host.StopAsync();
    }

    [Fact]
    public async Task Replace_and_cancel_by_schedule_key()
    {
        using var kit = new DelayedTestKit("t");
        using var host = await kit.StartHostAsync();
        var publisher = host.Services.GetRequiredService<IDelayedMessagePublisher>();
        var at = DateTimeOffset.UtcNow.AddSeconds(2);

        await publisher.ScheduleAsync("t", (byte[]?)null, Encoding.UTF8.GetBytes("v1"), null, at, "replaced");
        await publisher.ScheduleAsync("t", (byte[]?)null, Encoding.UTF8.GetBytes("v2"), null, at, "replaced");
        await publisher.ScheduleAsync("t", (byte[]?)null, Encoding.UTF8.GetBytes("gone"), null, at, "cancelled");
        await publisher.CancelAsync("cancelled");
        await publisher.ScheduleAsync("t", (byte[]?)null, Encoding.UTF8.GetBytes("marker"), null, at.AddSeconds(1), "marker");

        // Partitions are read independently: wait for both survivors, then read everything once more (a replaced or
        // cancelled schedule would have been due a second before the marker).
        kit.ReadUntil("t", r => r.Any(m => Text(m.Message.Value) == "marker") && r.Any(m => Text(m.Message.Value) == "v2"), s_deadline);
        var got = kit.ReadFor("t", TimeSpan.FromSeconds(2));
        Assert.Equal(["marker", "v2"], got.Select(m => Text(m.Message.Value)).OrderBy(v => v, StringComparer.Ordinal).ToArray());
        await host.StopAsync();
    }

    [Fact]
    public async Task Messages_of_one_partition_are_dispatched_in_due_time_then_offset_order()
    {
        using var kit = new DelayedTestKit();
        kit.Kafka.CreateTopic("ordered", 1);
        using var host = await kit.StartHostAsync();
        var publisher = host.Services.GetRequiredService<IDelayedMessagePublisher>();
        var at = DateTimeOffset.UtcNow.AddSeconds(2);

        // Written in reverse due order; same-due pairs must keep their offset order.
        var expected = new List<string>();
        for (var i = 9; i >= 0; i--)
        {
            await publisher.ScheduleAsync("ordered", (byte[]?)null, Encoding.UTF8.GetBytes($"{i}-a"), null, at.AddMilliseconds(i * 100), $"k{i}a");
            await publisher.ScheduleAsync("ordered", (byte[]?)null, Encoding.UTF8.GetBytes($"{i}-b"), null, at.AddMilliseconds(i * 100), $"k{i}b");
        }

        var got = kit.ReadUntil("ordered", r => r.Count >= 20, s_deadline);
        var bySource = got.GroupBy(m => Header(m, "carillon-source-partition")).ToList();
        foreach (var partition in bySource)
        {
            var keys = partition.Select(m => (Due: long.Parse(Header(m, "carillon-scheduled-at")!, System.Globalization.CultureInfo.InvariantCulture), Offset: long.Parse(Header(m, "carillon-source-offset")!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
            Assert.Equal(keys.OrderBy(k => k.Due).ThenBy(k => k.Offset), keys);
        }

        Assert.Equal(20, got.Count);
        await host.StopAsync();
    }
}
