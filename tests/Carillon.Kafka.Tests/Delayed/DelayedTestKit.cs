using System.Text;
using Carillon.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Kafka.Tests.Delayed;

/// <summary>An embedded broker with the delayed topics, and dispatcher hosts and read_committed readers on it.</summary>
internal sealed class DelayedTestKit : IDisposable
{
    public const string DelayedTopic = "carillon_delayed";
    public const string DeadLetterTopic = "carillon_delayed_dlq";

    public DelayedTestKit(params string[] targetTopics)
    {
        Kafka = EmbeddedKafka.Start();
        Kafka.CreateTopic(DelayedTopic, 6);
        Kafka.CreateTopic(DeadLetterTopic, 1);
        foreach (var topic in targetTopics)
        {
            Kafka.CreateTopic(topic, 3);
        }
    }

    public EmbeddedKafka Kafka { get; }

    public async Task<IHost> StartHostAsync(Action<CarillonOptions>? configure = null, bool dispatcher = true)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", []), o =>
        {
            o.BootstrapServers = Kafka.BootstrapServers;
            o.ProvisionTopics = false; // the mock has no CreateTopics: the kit created them
            o.EnableScheduler = false;
            o.SessionTimeout = TimeSpan.FromSeconds(6);
            o.Delayed.EnableDispatcher = dispatcher;
            configure?.Invoke(o);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public IProducer<byte[]?, byte[]?> RawProducer()
        => new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, Partitioner = Partitioner.Murmur2Random, EnableIdempotence = true }).Build();

    /// <summary>Reads <paramref name="topic"/> read_committed from the beginning until <paramref name="until"/> holds or the deadline passes.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadUntil(string topic, Func<List<ConsumeResult<byte[]?, byte[]?>>, bool> until, TimeSpan timeout)
        => ReadUntil(Kafka.BootstrapServers, topic, until, timeout);

    public static List<ConsumeResult<byte[]?, byte[]?>> ReadUntil(string bootstrapServers, string topic, Func<List<ConsumeResult<byte[]?, byte[]?>>, bool> until, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "reader",
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        // Assigned, not subscribed: no group join delay, and every partition from its beginning.
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build())
        {
            var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics.Single().Partitions;
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        }

        var results = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !until(results))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is not null && !r.IsPartitionEOF)
            {
                results.Add(r);
            }
        }

        consumer.Close();
        return results;
    }

    /// <summary>Reads everything on a topic for a quiet period (to check that nothing more arrives).</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadFor(string topic, TimeSpan period) => ReadUntil(topic, _ => false, period);

    public static string? Header(ConsumeResult<byte[]?, byte[]?> r, string name)
        => r.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    public static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);

    public void Dispose() => Kafka.Dispose();
}
