using Carillon.Kafka.Health;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Carillon.Kafka;

/// <summary>
/// Builds client configurations from <see cref="CarillonOptions"/>: bootstrap servers plus the user's librdkafka
/// properties (security and tuning), applied last so that users can override any default Carillon picks; and the
/// client builders, with librdkafka's logs routed to <see cref="ILogger"/> and its errors and statistics to
/// <see cref="KafkaConnectivity"/> (issue 8, issue 9 §3 and §5). Every Carillon client is built through
/// <see cref="CreateProducerBuilder"/>, <see cref="CreateConsumerBuilder"/> or <see cref="CreateAdminClientBuilder"/>.
/// </summary>
internal sealed class KafkaClientFactory
{
    private readonly CarillonOptions _options;
    private readonly KafkaConnectivity _connectivity;
    private readonly LibrdkafkaLog _log;

    public KafkaClientFactory(IOptions<CarillonOptions> options, KafkaConnectivity connectivity, ILoggerFactory loggers)
    {
        _options = options.Value;
        _connectivity = connectivity;
        _log = new LibrdkafkaLog(loggers);
        GroupProtocols = new GroupProtocolChoice(_options, loggers.CreateLogger<GroupProtocolChoice>());
    }

    /// <summary>Outside a host (the CLI): connectivity is tracked for this factory's clients only.</summary>
    public KafkaClientFactory(IOptions<CarillonOptions> options, ILoggerFactory loggers)
        : this(options, new KafkaConnectivity(options, TimeProvider.System, loggers.CreateLogger<KafkaConnectivity>()), loggers)
    {
    }

    /// <summary>For configuration only (unit tests): the clients' logs go nowhere.</summary>
    public KafkaClientFactory(IOptions<CarillonOptions> options)
        : this(options, NullLoggerFactory.Instance)
    {
    }

    public KafkaConnectivity Connectivity => _connectivity;

    /// <summary>The group protocol of this host's groups, and its fallback under <see cref="ConsumerGroupProtocol.Auto"/>.</summary>
    public GroupProtocolChoice GroupProtocols { get; }

    public string BootstrapServers => _options.BootstrapServers
        ?? throw new InvalidOperationException("Carillon:BootstrapServers is not set and no embedded broker was started.");

    public ProducerConfig Producer(Action<ProducerConfig>? defaults = null)
    {
        var config = new ProducerConfig { BootstrapServers = BootstrapServers, ClientId = _options.InstanceId };
        defaults?.Invoke(config);
        return Apply(config);
    }

    /// <summary>
    /// A consumer configuration; <paramref name="protocol"/> is the group protocol of a consumer that joins its group
    /// (one that only assigns keeps the default). This is the one place that owns the rule (issue 14): under the
    /// consumer protocol the broker owns session timeout, heartbeat interval and assignment, and librdkafka refuses
    /// them on the client, so Carillon's own defaults for them are dropped (the user's, set last, are kept).
    /// </summary>
    public ConsumerConfig Consumer(Action<ConsumerConfig>? defaults = null, ConsumerGroupProtocol protocol = ConsumerGroupProtocol.Classic)
    {
        var config = new ConsumerConfig { BootstrapServers = BootstrapServers, ClientId = _options.InstanceId };
        defaults?.Invoke(config);
        if (GroupProtocols.Resolve(protocol) == ConsumerGroupProtocol.Consumer)
        {
            config.GroupProtocol = GroupProtocol.Consumer;
            config.SessionTimeoutMs = null;
            config.HeartbeatIntervalMs = null;
            config.PartitionAssignmentStrategy = null;
        }

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

    /// <summary>
    /// For every producer Carillon builds: the delayed publisher, the command writer, the execution-log writer, the
    /// schedule owner's and the delayed partition workers' transactional producers. <paramref name="onError"/> gets
    /// every error except connectivity ones (summarised by <see cref="KafkaConnectivity"/>); without it, those errors
    /// are logged under <see cref="LibrdkafkaLog.Category"/>. Do not set another error, log or statistics handler.
    /// </summary>
    public ProducerBuilder<TKey, TValue> CreateProducerBuilder<TKey, TValue>(ProducerConfig config, Action<IProducer<TKey, TValue>, Error>? onError = null)
    {
        Track(config);
        return new ProducerBuilder<TKey, TValue>(config)
            .SetLogHandler((_, message) => _log.Write(message))
            .SetErrorHandler((client, error) => OnError(client, error, onError))
            .SetStatisticsHandler((_, json) => _connectivity.OnStatistics(json));
    }

    /// <summary>
    /// For every consumer Carillon builds: the schedules consumer and the delayed dispatcher's consumer. Error handling
    /// as for <see cref="CreateProducerBuilder"/>; rebalance handlers are the caller's to add.
    /// </summary>
    public ConsumerBuilder<TKey, TValue> CreateConsumerBuilder<TKey, TValue>(ConsumerConfig config, Action<IConsumer<TKey, TValue>, Error>? onError = null)
    {
        Track(config);
        return new ConsumerBuilder<TKey, TValue>(config)
            .SetLogHandler((_, message) => _log.Write(message))
            .SetErrorHandler((client, error) => OnError(client, error, onError))
            .SetStatisticsHandler((_, json) => _connectivity.OnStatistics(json));
    }

    /// <summary>
    /// For every admin client Carillon builds: the topic provisioner and the dispatcher's target-topic directory.
    /// <paramref name="config"/> defaults to <see cref="Admin"/>.
    /// </summary>
    public AdminClientBuilder CreateAdminClientBuilder(AdminClientConfig? config = null, Action<IAdminClient, Error>? onError = null)
    {
        config ??= Admin();
        Track(config);
        return new AdminClientBuilder(config)
            .SetLogHandler((_, message) => _log.Write(message))
            .SetErrorHandler((client, error) => OnError(client, error, onError))
            .SetStatisticsHandler((_, json) => _connectivity.OnStatistics(json));
    }

    private void Track(ClientConfig config)
    {
        // Statistics are the sign that a broker answers again (librdkafka reports failures only); a value the user
        // set in Carillon:Kafka wins, and 0 there turns recovery detection off.
        config.StatisticsIntervalMs ??= KafkaConnectivity.StatisticsIntervalMs;
        _connectivity.ClientCreated();
    }

    private void OnError<TClient>(TClient client, Error error, Action<TClient, Error>? onError)
        where TClient : IClient
    {
        if (_connectivity.OnError(error))
        {
            return;
        }

        if (onError is not null)
        {
            onError(client, error);
        }
        else
        {
            _log.Error(client.Name, error);
        }
    }
}
