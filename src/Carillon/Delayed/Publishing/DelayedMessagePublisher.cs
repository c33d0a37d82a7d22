using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Carillon.Delayed.Envelope;
using Carillon.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Carillon.Delayed.Publishing;

/// <summary>
/// Writes schedules to the delayed topic with one idempotent producer. Partitioning is librdkafka's
/// <c>murmur2_random</c>, the Java client's keyed choice, so schedules written by any Kafka client for the same key
/// land on the same partition and replace or cancel each other.
/// </summary>
internal sealed class DelayedMessagePublisher : IDelayedMessagePublisher, IDisposable
{
    private readonly KafkaClientFactory _clients;
    private readonly TopicProvisioner _provisioner;
    private readonly string _topic;
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer;

    public DelayedMessagePublisher(KafkaClientFactory clients, IOptions<CarillonOptions> options, TopicProvisioner provisioner)
    {
        _clients = clients;
        _provisioner = provisioner;
        _topic = options.Value.Delayed.Topic;
        _producer = new Lazy<IProducer<byte[]?, byte[]?>>(CreateProducer, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public async Task<string> ScheduleAsync(
        string topic,
        byte[]? key,
        byte[] value,
        IEnumerable<KeyValuePair<string, byte[]>>? headers,
        DateTimeOffset deliverAt,
        string? scheduleKey = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!TopicNames.IsValid(topic))
        {
            throw new ArgumentException($"'{topic}' is not a valid Kafka topic name.", nameof(topic));
        }

        scheduleKey ??= Guid.NewGuid().ToString("N");
        var envelope = new Headers();
        if (headers is not null)
        {
            foreach (var (name, bytes) in headers)
            {
                if (ControlHeaders.IsControl(name))
                {
                    throw new ArgumentException($"Header '{name}' uses a prefix reserved for Carillon's control headers.", nameof(headers));
                }

                envelope.Add(name, bytes);
            }
        }

        envelope.Add(ControlHeaders.TargetTopic, Encoding.UTF8.GetBytes(topic));
        if (key is not null)
        {
            envelope.Add(ControlHeaders.TargetKey, key);
        }

        envelope.Add(ControlHeaders.DeliverAt, Encoding.ASCII.GetBytes(deliverAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        await ProduceAsync(scheduleKey, value, envelope, cancellationToken).ConfigureAwait(false);
        DelayedMetrics.Scheduled.Add(1);
        return scheduleKey;
    }

    public Task<string> ScheduleAsync<T>(string topic, string? key, T message, JsonTypeInfo<T> jsonTypeInfo, DateTimeOffset deliverAt, string? scheduleKey = null, CancellationToken cancellationToken = default)
        => ScheduleAsync(topic, Utf8(key), JsonSerializer.SerializeToUtf8Bytes(message, jsonTypeInfo), null, deliverAt, scheduleKey, cancellationToken);

    public Task<string> ScheduleAsync<T>(string topic, string? key, T message, DateTimeOffset deliverAt, JsonSerializerOptions? jsonOptions = null, string? scheduleKey = null, CancellationToken cancellationToken = default)
        => ScheduleAsync(topic, Utf8(key), JsonSerializer.SerializeToUtf8Bytes(message, jsonOptions ?? JsonSerializerOptions.Web), null, deliverAt, scheduleKey, cancellationToken);

    public Task<string> PublishDelayedAsync<T>(T message, DateTimeOffset deliverAt, string? scheduleKey = null, CancellationToken cancellationToken = default)
    {
        var topic = typeof(T).GetCustomAttribute<DelayedTopicAttribute>()?.Topic
            ?? throw new InvalidOperationException($"{typeof(T)} has no [DelayedTopic]; use ScheduleAsync with an explicit topic.");
        return ScheduleAsync(topic, null, message, deliverAt, null, scheduleKey, cancellationToken);
    }

    public async Task CancelAsync(string scheduleKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleKey);
        await ProduceAsync(scheduleKey, null, null, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(10));
            _producer.Value.Dispose();
        }
    }

    private async Task ProduceAsync(string scheduleKey, byte[]? value, Headers? headers, CancellationToken cancellationToken)
    {
        await _provisioner.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var message = new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(scheduleKey), Value = value, Headers = headers };
        await _producer.Value.ProduceAsync(_topic, message, cancellationToken).ConfigureAwait(false);
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

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);
}
