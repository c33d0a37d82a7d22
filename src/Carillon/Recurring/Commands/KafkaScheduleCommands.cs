using Carillon.Kafka;
using Carillon.Protocol;
using Carillon.Recurring.Ownership;
using Carillon.Recurring.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Commands;

/// <summary>
/// Produces command records to schedules partition 0 with a plain idempotent producer (no transaction: commands come
/// from any client, and the owner applies them in log order). IDs are checked against the local registry first so that
/// a typo fails at the caller instead of being silently ignored by the owner.
/// </summary>
internal sealed class KafkaScheduleCommands : IScheduleCommands, IDisposable
{
    private readonly KafkaClientFactory _clients;
    private readonly TopicProvisioner _provisioner;
    private readonly IScheduleRegistry _registry;
    private readonly TimeProvider _time;
    private readonly Lazy<IProducer<byte[], byte[]>> _producer;

    public KafkaScheduleCommands(KafkaClientFactory clients, TopicProvisioner provisioner, IScheduleRegistry registry, TimeProvider time, ILogger<KafkaScheduleCommands> logger)
    {
        _clients = clients;
        _provisioner = provisioner;
        _registry = registry;
        _time = time;
        _producer = new Lazy<IProducer<byte[], byte[]>>(
            () => _clients.CreateProducerBuilder<byte[], byte[]>(_clients.Producer(c =>
            {
                c.EnableIdempotence = true;
                c.LingerMs = 0;
            })).Build(),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Task EnableAsync(string taskId, CancellationToken cancellationToken = default) => SendAsync(ScheduleCommand.Enable, taskId, cancellationToken);

    public Task DisableAsync(string taskId, CancellationToken cancellationToken = default) => SendAsync(ScheduleCommand.Disable, taskId, cancellationToken);

    public Task TriggerAsync(string taskId, CancellationToken cancellationToken = default) => SendAsync(ScheduleCommand.Trigger, taskId, cancellationToken);

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
            _producer.Value.Dispose();
        }
    }

    private async Task SendAsync(ScheduleCommand command, string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        if (taskId != IScheduleCommands.AllTasks && !_registry.TryGetTask(taskId, out _))
        {
            throw new ArgumentException($"Unknown scheduled task '{taskId}'. Known tasks: {string.Join(", ", _registry.Tasks.Select(t => t.Id))}.", nameof(taskId));
        }

        await _provisioner.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var record = new CommandRecord(command, taskId, _clients.Options.InstanceId, _time.GetUtcNow());
        var partition = new TopicPartition(_clients.Options.SchedulesTopic, 0);
        await _producer.Value.ProduceAsync(partition, StateMessages.State(record), cancellationToken).ConfigureAwait(false);
    }
}
