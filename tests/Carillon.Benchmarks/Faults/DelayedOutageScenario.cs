using System.Globalization;
using System.Text;
using Carillon.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Benchmarks.Faults;

/// <summary>
/// Issue 8, scenario A: one dispatcher host; messages with unique keys due evenly over a window; every broker down for
/// a while starting some seconds into it, then up. A read_committed reader of the target and dead-letter topics counts
/// per key what was delivered, twice, dead-lettered and never delivered, and when deliveries resumed.
/// </summary>
internal static class DelayedOutageScenario
{
    private const string DelayedTopic = "carillon_delayed";
    private const string DeadLetterTopic = "carillon_delayed_dlq";
    private const string TargetTopic = "fault_target";
    private const int DelayedPartitions = 6;
    private const int TargetPartitions = 3;

    public static async Task<DelayedOutageResult> RunAsync(FaultOptions options, TimeSpan outage)
    {
        using var kafka = EmbeddedKafka.Start(options.Brokers);
        kafka.CreateTopic(DelayedTopic, DelayedPartitions, options.Brokers);
        kafka.CreateTopic(DeadLetterTopic, 1, options.Brokers);
        kafka.CreateTopic(TargetTopic, TargetPartitions, options.Brokers);
        using var reader = new DeliveryReader(kafka.BootstrapServers, (TargetTopic, TargetPartitions), (DeadLetterTopic, 1));

        // What the dispatcher wrote, committed or not: tells a dispatcher that stopped from a transaction left open,
        // which hides every later committed record of its partition from read_committed readers (the last stable offset).
        using var uncommitted = new DeliveryReader(kafka.BootstrapServers, IsolationLevel.ReadUncommitted, (TargetTopic, TargetPartitions));
        var log = new EventLog("dispatcher", options.Verbose);
        var host = await StartDispatcherAsync(kafka, log);
        await WaitAsync(() => log.Count(101) >= DelayedPartitions, TimeSpan.FromSeconds(60));

        var n = options.Messages;
        var first = DateTimeOffset.UtcNow.AddSeconds(5);
        var due = Enumerable.Range(0, n).Select(i => first.AddSeconds(options.DueWindow * i / n)).ToArray();
        Produce(kafka, due);

        await DelayUntil(first.AddSeconds(options.OutageAt));
        var (down, up) = await ClusterOutage.RunAsync(kafka, outage);

        // Bounded: the code before the fix may never resume.
        var observeUntil = due[^1].AddSeconds(options.DelayedObserve);
        await WaitAsync(() => reader.Seen.Select(s => s.Id).Distinct().Count() >= n, observeUntil - DateTimeOffset.UtcNow);
        var observedEnd = DateTimeOffset.UtcNow;
        var seen = reader.Seen;
        var written = uncommitted.Seen.Select(s => s.Id).Distinct().Count();
        var stopped = await HostLifetime.StopAsync(host, TimeSpan.FromSeconds(30));

        var delivered = seen.Where(s => s.Topic == TargetTopic).GroupBy(s => s.Id).ToDictionary(g => g.Key, g => (Count: g.Count(), First: g.Min(x => x.At)));
        var deadLettered = seen.Where(s => s.Topic == DeadLetterTopic).Select(s => s.Id).ToHashSet();
        var afterReturn = seen.Where(s => s.At > up).Select(s => s.At).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        var lateness = delivered
            .Select(d => (d.Value.First - due[int.Parse(d.Key.AsSpan("fault-".Length), CultureInfo.InvariantCulture)]).TotalSeconds)
            .Order()
            .ToArray();
        var dueBeforeOutage = due.Count(d => d < down);
        return new DelayedOutageResult(
            outage,
            Sent: n,
            DueBeforeOutage: dueBeforeOutage,
            DeliveredBeforeOutage: delivered.Values.Count(d => d.First < down),
            Delivered: delivered.Count,
            Written: written,
            Duplicated: delivered.Values.Count(d => d.Count > 1),
            DeadLettered: deadLettered.Count,
            NeverDelivered: Enumerable.Range(0, n).Select(i => $"fault-{i}").Count(id => !delivered.ContainsKey(id) && !deadLettered.Contains(id)),
            ObservedAfterReturn: observedEnd - up,
            TimeToResume: afterReturn == DateTimeOffset.MaxValue ? null : afterReturn - up,
            LastDeliveryAfterReturn: seen.Where(s => s.At > up).Select(s => (TimeSpan?)(s.At - up)).DefaultIfEmpty(null).Max(),
            MaxLatenessSeconds: lateness.Length == 0 ? null : lateness[^1],
            AfterReturnByPartition: string.Join(' ', seen.Where(s => s.Topic == TargetTopic && s.At > up).GroupBy(s => s.SourcePartition ?? "?").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}")),
            PartitionsResumed: seen.Where(s => s.Topic == TargetTopic && s.At > up && s.SourcePartition is not null).Select(s => s.SourcePartition).Distinct().Count(),
            Partitions: DelayedPartitions,
            TargetPartitionsVisible: seen.Where(s => s.Topic == TargetTopic && s.At > up).Select(s => s.Partition).Distinct().Count(),
            TargetPartitions: TargetPartitions,
            HostStop: stopped,
            LogAfterReturn: Summarize(log.Events.Where(e => e.At > up && e.At <= observedEnd)));
    }

    private static async Task<IHost> StartDispatcherAsync(EmbeddedKafka kafka, EventLog log)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(log);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", []), o =>
        {
            // As tests/Carillon.Kafka.Tests/Delayed/DelayedTestKit.cs: a dispatcher only, 6 s session.
            o.BootstrapServers = kafka.BootstrapServers;
            o.ProvisionTopics = false;
            o.Recurring.Enabled = false;
            o.SessionTimeout = TimeSpan.FromSeconds(6);
            o.Delayed.Enabled = true;
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    // Unique keys and values ("fault-<i>"), so that the reader can count each message.
    private static void Produce(EmbeddedKafka kafka, DateTimeOffset[] due)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            EnableIdempotence = true,
            Partitioner = Partitioner.Murmur2Random,
            LingerMs = 5,
        }).Build();
        var target = Encoding.UTF8.GetBytes(TargetTopic);
        for (var i = 0; i < due.Length; i++)
        {
            var id = Encoding.UTF8.GetBytes($"fault-{i}");
            producer.Produce(DelayedTopic, new Message<byte[]?, byte[]?>
            {
                Key = id,
                Value = id,
                Headers = new Headers
                {
                    { "carillon-target-topic", target },
                    { "carillon-deliver-at", Encoding.ASCII.GetBytes(due[i].ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)) },
                },
            });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    internal static string Summarize(IEnumerable<(DateTimeOffset At, LogLevel Level, int EventId, string Text)> events)
        => string.Join("; ", events
            .GroupBy(e => e.EventId)
            .OrderBy(g => g.Min(e => e.At))
            .Select(g => $"{g.Count()}x \"{Shorten(g.First().Text)}\""));

    private static string Shorten(string text) => text.Length <= 110 ? text : text[..107] + "...";

    internal static async Task WaitAsync(Func<bool> until, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!until() && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    internal static Task DelayUntil(DateTimeOffset at) => at > DateTimeOffset.UtcNow ? Task.Delay(at - DateTimeOffset.UtcNow) : Task.CompletedTask;
}

internal sealed record DelayedOutageResult(
    TimeSpan Outage,
    int Sent,
    int DueBeforeOutage,
    int DeliveredBeforeOutage,
    int Delivered,
    int Written,
    int Duplicated,
    int DeadLettered,
    int NeverDelivered,
    TimeSpan ObservedAfterReturn,
    TimeSpan? TimeToResume,
    TimeSpan? LastDeliveryAfterReturn,
    double? MaxLatenessSeconds,
    string AfterReturnByPartition,
    int PartitionsResumed,
    int Partitions,
    int TargetPartitionsVisible,
    int TargetPartitions,
    TimeSpan? HostStop,
    string LogAfterReturn);
