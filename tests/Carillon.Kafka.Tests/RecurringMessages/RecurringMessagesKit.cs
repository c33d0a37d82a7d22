using System.Text;
using Carillon.Delayed.Publishing;
using Carillon.Kafka.Tests.Delayed;
using Carillon.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Kafka.Tests.RecurringMessages;

/// <summary>An embedded broker with the recurring-messages topic, hosts that own its partitions, and readers.</summary>
internal sealed class RecurringMessagesKit : IDisposable
{
    public const string Topic = "carillon_recurring";
    public const int Partitions = 3;
    public const string Target = "reports";
    public const string DeadLetterTopic = "carillon_recurring_dlq";

    public RecurringMessagesKit()
    {
        Kafka = EmbeddedKafka.Start(1);

        // Carillon's default group protocol is the consumer protocol here (issue 14): the broker owns the session.
        Kafka.SetConsumerGroupSessionTimeout(TimeSpan.FromSeconds(6));
        Kafka.SetConsumerGroupHeartbeatInterval(TimeSpan.FromMilliseconds(250));
        Kafka.CreateTopic(Topic, Partitions);
        Kafka.CreateTopic(Target, 1); // one partition: records are read in the order they were committed
        Kafka.CreateTopic(DeadLetterTopic, 1);
    }

    public EmbeddedKafka Kafka { get; }

    public async Task<IHost> StartHostAsync(Action<CarillonOptions>? configure = null, ILoggerProvider? logs = null, TimeProvider? time = null)
    {
        var builder = Host.CreateApplicationBuilder();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug); // partition moves are logged at Debug
        }

        if (Environment.GetEnvironmentVariable("CARILLON_TEST_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", []), o =>
        {
            o.BootstrapServers = Kafka.BootstrapServers;
            o.ProvisionTopics = false; // the mock has no CreateTopics: the kit created them
            o.Recurring.Enabled = false;
            o.Delayed.Enabled = false;
            o.SessionTimeout = TimeSpan.FromSeconds(6);
            o.RecurringMessages.Partitions = Partitions;
            configure?.Invoke(o);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A name that the publisher's partitioner puts on <paramref name="partition"/>.</summary>
    public static string NameOn(int partition, string prefix)
        => Enumerable.Range(0, 1_000).Select(i => $"{prefix}-{i}").First(n => Murmur2.Partition(Encoding.UTF8.GetBytes(n), Partitions) == partition);

    public static int PartitionOf(string name) => Murmur2.Partition(Encoding.UTF8.GetBytes(name), Partitions);

    public List<ConsumeResult<byte[]?, byte[]?>> ReadUntil(Func<List<ConsumeResult<byte[]?, byte[]?>>, bool> until)
        => DelayedTestKit.ReadUntil(Kafka.BootstrapServers, Target, until, TimeSpan.FromSeconds(120));

    public List<ConsumeResult<byte[]?, byte[]?>> ReadFor(TimeSpan period)
        => DelayedTestKit.ReadUntil(Kafka.BootstrapServers, Target, _ => false, period);

    public List<ConsumeResult<byte[]?, byte[]?>> ReadUntil(string topic, Func<List<ConsumeResult<byte[]?, byte[]?>>, bool> until)
        => DelayedTestKit.ReadUntil(Kafka.BootstrapServers, topic, until, TimeSpan.FromSeconds(120));

    /// <summary>Polls a health check until it reports <paramref name="status"/>; the failure names the last result.</summary>
    public static async Task<HealthReportEntry> HealthEventuallyAsync(IHost host, HealthStatus status, Func<HealthReportEntry, bool>? and = null)
    {
        var checks = host.Services.GetRequiredService<HealthCheckService>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var entry = (await checks.CheckHealthAsync(r => r.Name == "carillon-recurring-messages")).Entries["carillon-recurring-messages"];
            if (entry.Status == status && (and is null || and(entry)))
            {
                return entry;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still {entry.Status}: {entry.Description}");
            await Task.Delay(200);
        }
    }

    public static string? Header(ConsumeResult<byte[]?, byte[]?> r, string name) => DelayedTestKit.Header(r, name);

    public static IEnumerable<ConsumeResult<byte[]?, byte[]?>> Of(IEnumerable<ConsumeResult<byte[]?, byte[]?>> records, string name)
        => records.Where(r => Header(r, "carillon-recurring-name") == name);

    public void Dispose() => Kafka.Dispose();
}
