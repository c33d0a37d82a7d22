using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Carillon.Kafka;

/// <summary>
/// Builds client configurations from <see cref="CarillonOptions"/>: bootstrap servers plus the user's librdkafka
/// properties (security and tuning), applied last so that users can override any default Carillon picks.
/// </summary>
internal sealed class KafkaClientFactory(IOptions<CarillonOptions> options)
{
    private readonly CarillonOptions _options = options.Value;

    public CarillonOptions Options => _options;

    public string BootstrapServers => _options.BootstrapServers
        ?? throw new InvalidOperationException("Carillon:BootstrapServers is not set and no embedded broker was started.");

    public ProducerConfig Producer(Action<ProducerConfig>? defaults = null)
    {
        var config = new ProducerConfig { BootstrapServers = BootstrapServers, ClientId = _options.InstanceId };
        defaults?.Invoke(config);
        return Apply(config);
    }

    /// <summary>
    /// A consumer configuration. Under the consumer group protocol (<paramref name="protocol"/>, or a
    /// <c>group.protocol</c> the user set) the broker owns session timeout, heartbeat interval and assignment, which
    /// must then not be set on the client: Carillon's own defaults for them are dropped, the user's are kept.
    /// </summary>
    public ConsumerConfig Consumer(Action<ConsumerConfig>? defaults = null, ConsumerGroupProtocol protocol = ConsumerGroupProtocol.Classic)
    {
        var config = new ConsumerConfig { BootstrapServers = BootstrapServers, ClientId = _options.InstanceId };
        defaults?.Invoke(config);
        if (EffectiveProtocol(protocol) == ConsumerGroupProtocol.Consumer)
        {
            config.GroupProtocol = GroupProtocol.Consumer;
            config.SessionTimeoutMs = null;
            config.HeartbeatIntervalMs = null;
            config.PartitionAssignmentStrategy = null;
        }

        return Apply(config);
    }

    /// <summary>The protocol a group ends up using: a <c>group.protocol</c> in the user's properties wins.</summary>
    public ConsumerGroupProtocol EffectiveProtocol(ConsumerGroupProtocol configured)
        => _options.Kafka.TryGetValue("group.protocol", out var value)
            ? string.Equals(value.Trim(), "consumer", StringComparison.OrdinalIgnoreCase) ? ConsumerGroupProtocol.Consumer : ConsumerGroupProtocol.Classic
            : configured;

    public AdminClientConfig Admin()
        => Apply(new AdminClientConfig { BootstrapServers = BootstrapServers, ClientId = _options.InstanceId });

    private T Apply<T>(T config)
        where T : ClientConfig
    {
        foreach (var (key, value) in _options.Kafka)
        {
            config.Set(key, value);
        }

        return config;
    }
}
