using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.Kafka;

/// <summary>
/// Creates missing Carillon topics once per process. A cluster that refuses or cannot answer CreateTopics (ACLs,
/// managed clusters, clusters that auto-create) is tolerated: Carillon logs it and relies on the topics existing or
/// being auto-created. Every component awaits <see cref="EnsureAsync"/> before it subscribes.
/// </summary>
internal sealed partial class TopicProvisioner(KafkaClientFactory clients, IOptions<CarillonOptions> carillonOptions, ILogger<TopicProvisioner> logger)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly object _gate = new();
    private Task? _provisioning;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _provisioning ??= Task.Run(ProvisionAsync, CancellationToken.None);
        }

        return _provisioning.WaitAsync(cancellationToken);
    }

    private async Task ProvisionAsync()
    {
        var options = carillonOptions.Value;
        if (!options.ProvisionTopics)
        {
            return;
        }

        try
        {
            using var admin = clients.CreateAdminClientBuilder().Build();

            // Listing all topics never triggers auto-creation, unlike a metadata request naming a topic.
            var metadata = admin.GetMetadata(s_timeout);

            // A broker answered: this admin client may be gone before its first statistics say so.
            clients.Connectivity.Reachable();
            var existing = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
            var replication = (short)Math.Clamp(options.ReplicationFactor, 1, Math.Max(1, metadata.Brokers.Count));
            var missing = CarillonTopics.All(options)
                .Where(t => !existing.Contains(t.Name))
                .Select(t => new TopicSpecification { Name = t.Name, NumPartitions = t.Partitions, ReplicationFactor = replication, Configs = ConfigsOf(t.Name, options) })
                .ToList();
            if (missing.Count == 0)
            {
                return;
            }

            await admin.CreateTopicsAsync(missing, new CreateTopicsOptions { RequestTimeout = s_timeout, OperationTimeout = s_timeout }).ConfigureAwait(false);
            LogCreated(string.Join(", ", missing.Select(t => $"{t.Name} ({t.NumPartitions})")));
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another instance created them first.
        }
        catch (KafkaException e)
        {
            LogNotProvisioned(e.Error.Reason);
        }
    }

    // Run-time schedule definitions are read from the beginning by every new owner and are not re-written yet:
    // time-based retention would delete live schedules (issue 11; docs/recurring-messages.md, "Limits").
    private static Dictionary<string, string>? ConfigsOf(string topic, CarillonOptions options)
        => topic == options.RecurringMessages.Topic ? new Dictionary<string, string> { ["retention.ms"] = "-1" } : null;

    [LoggerMessage(1, LogLevel.Information, "Created Kafka topics: {Topics}")]
    private partial void LogCreated(string topics);

    [LoggerMessage(2, LogLevel.Warning, "Could not create Carillon's topics ({Reason}); relying on them existing or being auto-created by the cluster")]
    private partial void LogNotProvisioned(string reason);
}
