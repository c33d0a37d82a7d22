using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using static Carillon.Kafka.Tests.RecurringMessages.RecurringMessagesKit;

namespace Carillon.Kafka.Tests.RecurringMessages;

/// <summary>
/// The run-time recurring-message instruments on the <c>Carillon</c> meter (issue 11; docs/diagnostics.md), read with
/// a <see cref="MeterListener"/>. Measurements are kept by the target topic they are tagged with, so another host of
/// the same process cannot be counted.
/// </summary>
public sealed class RecurringMessagesMetricsTests
{
    [Fact]
    public async Task Fired_occurrences_are_counted_by_target_topic_and_their_lateness_recorded()
    {
        using var listener = new Measurements();
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        await host.Services.GetRequiredService<IRecurringMessages>().AddOrUpdateAsync("counted", "* * * * * *", Target, null, Encoding.UTF8.GetBytes("x"));

        var fired = kit.ReadUntil(r => r.Count >= 3).Count;

        await EventuallyAsync(() => listener.Sum("carillon.recurring_messages.fired", Target) >= fired);
        Assert.True(listener.Count("carillon.recurring_messages.lateness", Target) >= 1);
        Assert.All(listener.Values("carillon.recurring_messages.lateness", Target), ms => Assert.True(ms >= 0));
        await host.StopAsync();
    }

    [Fact]
    public async Task Dead_lettered_occurrences_are_counted_by_their_missing_topic()
    {
        using var listener = new Measurements();
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(o => o.Kafka["allow.auto.create.topics"] = "false");
        await host.Services.GetRequiredService<IRecurringMessages>().AddOrUpdateAsync("lost", "* * * * * *", "absent-counted", null, Encoding.UTF8.GetBytes("x"));

        var dead = kit.ReadUntil(DeadLetterTopic, r => r.Count >= 2).Count;

        await EventuallyAsync(() => listener.Sum("carillon.recurring_messages.dead_lettered", "absent-counted") >= dead);
        Assert.Equal(0, listener.Sum("carillon.recurring_messages.fired", "absent-counted"));
        await host.StopAsync();
    }

    [Fact]
    public async Task The_gauges_show_the_owned_partitions_and_the_held_schedules()
    {
        using var listener = new Measurements();
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        await api.AddOrUpdateAsync("a", "0 0 1 1 *", Target, null, Encoding.UTF8.GetBytes("x"));
        await api.AddOrUpdateAsync("b", "0 0 1 1 *", Target, null, Encoding.UTF8.GetBytes("x"));

        await EventuallyAsync(() => listener.Observe("carillon.recurring_messages.held") == 2);
        Assert.Equal(Partitions, listener.Observe("carillon.recurring_messages.owned_partitions"));
        await host.StopAsync();
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the measurement did not come");
            await Task.Delay(100);
        }
    }

    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, string? Topic, double Value)> _seen = new();
        private readonly ConcurrentDictionary<string, long> _observed = new();

        public Measurements()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Carillon" && instrument.Name.StartsWith("carillon.recurring_messages.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => _seen.Enqueue((i.Name, Topic(tags), value)));
            _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => _seen.Enqueue((i.Name, Topic(tags), value)));
            _listener.SetMeasurementEventCallback<int>((i, value, _, _) => _observed[i.Name] = value);
            _listener.Start();
        }

        public long Sum(string instrument, string topic) => (long)Values(instrument, topic).Sum();

        public int Count(string instrument, string topic) => Values(instrument, topic).Count();

        public IEnumerable<double> Values(string instrument, string topic)
            => _seen.Where(m => m.Instrument == instrument && m.Topic == topic).Select(m => m.Value);

        /// <summary>The gauge's value now (the owners of every host of this process, one at a time in these tests).</summary>
        public long Observe(string instrument)
        {
            _listener.RecordObservableInstruments();
            return _observed.GetValueOrDefault(instrument, -1);
        }

        public void Dispose() => _listener.Dispose();

        private static string? Topic(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "topic")
                {
                    return tag.Value as string;
                }
            }

            return null;
        }
    }
}
