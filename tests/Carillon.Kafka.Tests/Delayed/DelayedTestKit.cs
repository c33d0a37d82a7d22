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
        : this(1, targetTopics)
    {
    }

    public DelayedTestKit(int brokers, params string[] targetTopics)
        : this(brokers, 6, targetTopics)
    {
    }

    public DelayedTestKit(int brokers, int delayedPartitions, params string[] targetTopics)
    {
        Kafka = EmbeddedKafka.Start(brokers);

        // Carillon's default group protocol is the consumer protocol here (issue 14): the broker owns the session.
        Kafka.SetConsumerGroupSessionTimeout(Session);
        Kafka.SetConsumerGroupHeartbeatInterval(TimeSpan.FromMilliseconds(250));
        Kafka.CreateTopic(DelayedTopic, delayedPartitions);
        Kafka.CreateTopic(DeadLetterTopic, 1);
        foreach (var topic in targetTopics)
        {
            Kafka.CreateTopic(topic, 3);
        }
    }

    /// <summary>The session of the dispatchers' group: the client's under the classic protocol, the broker's under KIP-848.</summary>
    public static readonly TimeSpan Session = TimeSpan.FromSeconds(6);

    public EmbeddedKafka Kafka { get; }

    public async Task<IHost> StartHostAsync(Action<CarillonOptions>? configure = null, bool dispatcher = true)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("CARILLON_TEST_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", []), o =>
        {
            o.BootstrapServers = Kafka.BootstrapServers;
            o.ProvisionTopics = false; // the mock has no CreateTopics: the kit created them
            o.Recurring.Enabled = false;
            o.SessionTimeout = Session;
            o.Delayed.Enabled = dispatcher;
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
            ConsumeResult<byte[]?, byte[]?>? r;
            try
            {
                r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                // An error injected for the dispatcher may reach this reader's fetch instead: it retries, as any reader would.
                continue;
            }

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

    /// <summary>Takes every broker down (the whole cluster is unreachable).</summary>
    public void ClusterDown()
    {
        for (var id = 1; id <= Kafka.BrokerCount; id++)
        {
            Kafka.SetBrokerDown(id);
        }
    }

    public void ClusterUp()
    {
        for (var id = 1; id <= Kafka.BrokerCount; id++)
        {
            Kafka.SetBrokerUp(id);
        }
    }

    /// <summary>Schedules <paramref name="count"/> messages <c>{prefix}-{i}</c> due from <paramref name="first"/> over <paramref name="spread"/>.</summary>
    public void Schedule(string target, string prefix, int count, DateTimeOffset first, TimeSpan spread)
    {
        using var producer = RawProducer();
        for (var i = 0; i < count; i++)
        {
            var due = first.AddMilliseconds(spread.TotalMilliseconds * i / count).ToUnixTimeMilliseconds();
            producer.Produce(DelayedTopic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes($"{prefix}-{i}"),
                Value = Encoding.UTF8.GetBytes($"{i}"),
                Headers = new Headers
                {
                    { "carillon-target-topic", Encoding.UTF8.GetBytes(target) },
                    { "carillon-deliver-at", Encoding.UTF8.GetBytes(due.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
                },
            });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Reads <paramref name="target"/> until <paramref name="count"/> distinct schedule keys arrived (or the deadline),
    /// then a little longer so that a late duplicate shows; returns the deliveries per schedule key.
    /// </summary>
    public Dictionary<string, int> DeliveriesByKey(string target, int count, TimeSpan deadline, Func<string, bool>? counted = null)
    {
        var keys = new HashSet<string>();
        var seen = 0;
        var got = ReadUntil(target, r =>
        {
            for (; seen < r.Count; seen++)
            {
                if (Header(r[seen], "carillon-schedule-key") is { } key && (counted is null || counted(key)))
                {
                    keys.Add(key);
                }
            }

            return keys.Count >= count;
        }, deadline);
        got = ReadFor(target, TimeSpan.FromSeconds(2)) is { } again && again.Count > got.Count ? again : got;
        return got.GroupBy(m => Header(m, "carillon-schedule-key") ?? "<none>").ToDictionary(g => g.Key, g => g.Count());
    }

    public void Dispose() => Kafka.Dispose();
}
