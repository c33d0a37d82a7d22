using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Carillon.Kafka;
using Carillon.RecurringMessages.Definitions;
using Carillon.RecurringMessages.Firing;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Carillon.RecurringMessages.Publishing;

/// <summary>
/// <see cref="IRecurringMessages"/> on Kafka: writes definitions, removals and commands to the recurring-messages
/// topic with one idempotent producer partitioned <c>murmur2_random</c> by name (so any client agrees on the
/// partition, and a schedule's records stay in order), and reads schedules back with <see cref="DefinitionReader"/>.
/// Everything is checked before anything is written (issue 11).
/// </summary>
internal sealed class RecurringMessagesClient : IRecurringMessages, IDisposable
{
    private readonly KafkaClientFactory _clients;
    private readonly TopicProvisioner _provisioner;
    private readonly TimeProvider _time;
    private readonly string _topic;
    private readonly string[] _carillonTopics;
    private readonly DefinitionReader _reader;
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer;

    public RecurringMessagesClient(KafkaClientFactory clients, IOptions<CarillonOptions> options, TopicProvisioner provisioner, TimeProvider time)
    {
        _clients = clients;
        _provisioner = provisioner;
        _time = time;
        _topic = options.Value.RecurringMessages.Topic;
        _carillonTopics = [.. CarillonTopics.All(options.Value).Select(t => t.Name)];
        _reader = new DefinitionReader(clients, _topic, options.Value.RecurringMessages.MisfireThreshold);
        _producer = new Lazy<IProducer<byte[]?, byte[]?>>(CreateProducer, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Task AddOrUpdateAsync(
        string name,
        string cron,
        string targetTopic,
        byte[]? key,
        byte[]? value,
        IEnumerable<KeyValuePair<string, byte[]>>? headers = null,
        RecurringMessageOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new RecurringMessageOptions();
        DefinitionRules.CheckName(name);
        DefinitionRules.CheckCron(cron);
        DefinitionRules.CheckTimeZone(options.TimeZone);
        DefinitionRules.CheckTarget(targetTopic, _carillonTopics);
        var headerList = headers?.ToList() ?? [];
        DefinitionRules.CheckHeaders(headerList);
        DefinitionRules.CheckWindow(options);
        var definition = new DefinitionRecord(
            RecurringWire.Version,
            cron.Trim(),
            options.TimeZone,
            targetTopic,
            key,
            value,
            [.. headerList.Select(h => new HeaderRecord(h.Key, h.Value))],
            options.Enabled,
            options.MisfirePolicy,
            options.StartAt?.ToUnixTimeMilliseconds(),
            options.EndAt?.ToUnixTimeMilliseconds(),
            options.Description);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(definition, RecurringMessagesJsonContext.Default.DefinitionRecord);
        return ProduceAsync(name, RecurringWire.DefinitionKind, bytes, cancellationToken);
    }

    public Task AddOrUpdateAsync<T>(string name, string cron, string targetTopic, string? key, T message, JsonTypeInfo<T> jsonTypeInfo, RecurringMessageOptions? options = null, CancellationToken cancellationToken = default)
        => AddOrUpdateAsync(name, cron, targetTopic, Utf8(key), JsonSerializer.SerializeToUtf8Bytes(message, jsonTypeInfo), null, options, cancellationToken);

    public Task AddOrUpdateAsync<T>(string name, string cron, string targetTopic, string? key, T message, JsonSerializerOptions? jsonOptions, RecurringMessageOptions? options = null, CancellationToken cancellationToken = default)
        => AddOrUpdateAsync(name, cron, targetTopic, Utf8(key), JsonSerializer.SerializeToUtf8Bytes(message, jsonOptions ?? JsonSerializerOptions.Web), null, options, cancellationToken);

    public Task RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        DefinitionRules.CheckName(name);
        return ProduceAsync(name, RecurringWire.DefinitionKind, null, cancellationToken);
    }

    public Task EnableAsync(string name, CancellationToken cancellationToken = default) => CommandAsync(name, RecurringCommand.Enable, cancellationToken);

    public Task DisableAsync(string name, CancellationToken cancellationToken = default) => CommandAsync(name, RecurringCommand.Disable, cancellationToken);

    public Task TriggerAsync(string name, CancellationToken cancellationToken = default) => CommandAsync(name, RecurringCommand.Trigger, cancellationToken);

    public async Task<RecurringMessage?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        DefinitionRules.CheckName(name);
        await _provisioner.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var book = await Task.Run(() => _reader.Read(name, cancellationToken), cancellationToken).ConfigureAwait(false);
        return book.TryGet(name, out var entry) ? View(entry) : null;
    }

    public async Task<IReadOnlyList<RecurringMessage>> ListAsync(CancellationToken cancellationToken = default)
    {
        await _provisioner.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var book = await Task.Run(() => _reader.Read(null, cancellationToken), cancellationToken).ConfigureAwait(false);
        return [.. book.Entries.OrderBy(e => e.Name, StringComparer.Ordinal).Select(View)];
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(10));
            _producer.Value.Dispose();
        }
    }

    private Task CommandAsync(string name, RecurringCommand command, CancellationToken cancellationToken)
    {
        DefinitionRules.CheckName(name);
        var record = new CommandRecord(RecurringWire.Version, command, _time.GetUtcNow().ToUnixTimeMilliseconds());
        return ProduceAsync(name, RecurringWire.CommandKind, JsonSerializer.SerializeToUtf8Bytes(record, RecurringMessagesJsonContext.Default.CommandRecord), cancellationToken);
    }

    private async Task ProduceAsync(string name, string kind, byte[]? value, CancellationToken cancellationToken)
    {
        await _provisioner.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var message = new Message<byte[]?, byte[]?>
        {
            Key = RecurringWire.Utf8(name),
            Value = value,
            Headers = new Headers { { RecurringWire.Kind, RecurringWire.Utf8(kind) } },
        };
        await _producer.Value.ProduceAsync(_topic, message, cancellationToken).ConfigureAwait(false);
    }

    private RecurringMessage View(ScheduleEntry entry)
    {
        var d = entry.Definition;
        var next = entry.NextOccurrenceSeenAt(_time.GetUtcNow());
        return new RecurringMessage
        {
            Name = entry.Name,
            Cron = d.Cron,
            TargetTopic = d.TargetTopic,
            Key = d.Key,
            Value = d.Value,
            Headers = [.. d.Headers.Select(h => new KeyValuePair<string, byte[]>(h.Name, h.Value))],
            TimeZone = d.TimeZone,
            Enabled = entry.Enabled,
            MisfirePolicy = d.Misfire,
            StartAt = entry.StartAt,
            EndAt = entry.EndAt,
            Description = d.Description,
            LastOccurrence = entry.LastClaimed,
            NextOccurrence = next,
        };
    }

    private IProducer<byte[]?, byte[]?> CreateProducer()
        => _clients.CreateProducerBuilder<byte[]?, byte[]?>(_clients.Producer(c =>
            {
                c.EnableIdempotence = true;
                c.Partitioner = Partitioner.Murmur2Random;
                c.LingerMs = 2;
            }))
            .SetKeySerializer(Serializers.ByteArray!)
            .SetValueSerializer(Serializers.ByteArray!)
            .Build();

    private static byte[]? Utf8(string? text) => text is null ? null : RecurringWire.Utf8(text);
}
