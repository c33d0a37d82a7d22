using Carillon.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.Embedded;

/// <summary>
/// With no <see cref="CarillonOptions.BootstrapServers"/> configured, starts an in-process Kafka (librdkafka's mock
/// cluster) so that <c>dotnet run</c> works with no setup. It keeps nothing: a loud warning says so.
/// </summary>
internal sealed class EmbeddedDevelopmentBroker : IDisposable
{
    private static readonly TimeSpan s_heartbeat = TimeSpan.FromMilliseconds(100);
    private readonly Lazy<EmbeddedCluster> _cluster;
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);

    public EmbeddedDevelopmentBroker()
    {
        _cluster = new Lazy<EmbeddedCluster>(() => EmbeddedCluster.Start(brokers: 1), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public bool Started => _cluster.IsValueCreated;

    public string BootstrapServers => _cluster.Value.BootstrapServers;

    /// <summary>
    /// Under the consumer group protocol (the default here, issue 14) the broker owns the session and heartbeat:
    /// the development broker takes Carillon:SessionTimeout as its session, and heartbeats often (a member learns of
    /// a handover at its next heartbeat; in-process, frequent heartbeats cost nothing).
    /// </summary>
    public void ConfigureGroups(CarillonOptions options)
    {
        _cluster.Value.SetConsumerGroupSessionTimeout(options.SessionTimeout);
        _cluster.Value.SetConsumerGroupHeartbeatInterval(s_heartbeat);
    }

    /// <summary>The mock has no CreateTopics, so the development broker creates Carillon's topics itself.</summary>
    public void CreateTopics(CarillonOptions options)
    {
        // Options are post-configured again for every IOptionsSnapshot scope or reload: create each topic once.
        lock (_created)
        {
            foreach (var (name, partitions) in CarillonTopics.All(options))
            {
                if (_created.Add(name))
                {
                    _cluster.Value.CreateTopic(name, partitions);
                }
            }
        }
    }

    public void Dispose()
    {
        if (_cluster.IsValueCreated)
        {
            _cluster.Value.Dispose();
        }
    }
}

/// <summary>Points the options at the development broker when no servers are configured.</summary>
internal sealed class EmbeddedBrokerOptionsSetup(EmbeddedDevelopmentBroker broker) : IPostConfigureOptions<CarillonOptions>
{
    public void PostConfigure(string? name, CarillonOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            return;
        }

        options.BootstrapServers = broker.BootstrapServers;

        // Invalid options (a topic name, a partition count) are reported by the validator, which runs next: creating
        // topics from them here would fail first, with the mock's wording instead of the key's (issue 9 §2).
        if (Hosting.CarillonOptionsValidator.Check(options).Count == 0)
        {
            broker.ConfigureGroups(options);
            broker.CreateTopics(options);
        }
    }
}

/// <summary>Logs the warning at startup, where operators look.</summary>
internal sealed partial class EmbeddedBrokerWarning(EmbeddedDevelopmentBroker broker, IOptions<CarillonOptions> options, ILogger<EmbeddedBrokerWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var servers = options.Value.BootstrapServers;
        if (broker.Started)
        {
            LogEmbedded(servers!);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Warning, "*** Carillon is using an EMBEDDED in-memory Kafka at {Servers} because Carillon:BootstrapServers is not set. It is for development only: it keeps NOTHING across restarts and is not shared with other processes. Set Carillon:BootstrapServers for any real use. ***")]
    private partial void LogEmbedded(string servers);
}
