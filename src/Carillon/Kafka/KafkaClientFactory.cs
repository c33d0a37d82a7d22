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

    public ConsumerConfig Consumer(Action<ConsumerConfig>? defaults = null)
    {
        var config = new ConsumerConfig { BootstrapServers = BootstrapServers, ClientId = _options.InstanceId };
        defaults?.Invoke(config);
        return Apply(config);
    }

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
