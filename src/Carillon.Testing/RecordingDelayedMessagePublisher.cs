using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Carillon.Testing;

/// <summary>
/// An <see cref="IDelayedMessagePublisher"/> without Kafka: records what is scheduled, replaced and cancelled, and
/// delivers due messages when asked (<see cref="DeliverDue"/>; <see cref="ScheduleSimulator"/> does it as its clock
/// moves). Same rules as the real publisher: a schedule key replaces the pending message with that key, values of the
/// typed overloads are JSON (web defaults), <see cref="PublishDelayedAsync{T}"/> takes the topic from <see cref="DelayedTopicAttribute"/>.
/// </summary>
public sealed class RecordingDelayedMessagePublisher(TimeProvider time) : IDelayedMessagePublisher
{
    private readonly object _gate = new();
    private readonly List<DelayedMessage> _scheduled = [];
    private readonly Dictionary<string, DelayedMessage> _pending = new(StringComparer.Ordinal);
    private readonly List<DelayedMessage> _delivered = [];
    private readonly List<string> _cancelled = [];

    /// <summary>Raised for each message <see cref="DeliverDue"/> delivers, in delivery order.</summary>
    public event Action<DelayedMessage>? MessageDelivered;

    /// <summary>Every message scheduled so far, including replaced and cancelled ones, in order.</summary>
    public IReadOnlyList<DelayedMessage> Scheduled => Locked(() => _scheduled.ToArray());

    /// <summary>Messages waiting for their time, earliest first.</summary>
    public IReadOnlyList<DelayedMessage> Pending => Locked(() => _pending.Values.OrderBy(m => m.DeliverAt).ThenBy(m => m.ScheduledAt).ToArray());

    /// <summary>Messages delivered so far, in delivery order.</summary>
    public IReadOnlyList<DelayedMessage> Delivered => Locked(() => _delivered.ToArray());

    /// <summary>Schedule keys cancelled so far, in order.</summary>
    public IReadOnlyList<string> Cancelled => Locked(() => _cancelled.ToArray());

    /// <summary>The due time of the earliest pending message, or null.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            // Asked at every step of a simulation: no allocation when nothing is pending.
            lock (_gate)
            {
                return _pending.Count == 0 ? null : _pending.Values.Min(m => m.DeliverAt);
            }
        }
    }

    /// <inheritdoc />
    Task<string> IDelayedMessagePublisher.ScheduleAsync(string topic, byte[]? key, byte[] value, IEnumerable<KeyValuePair<string, byte[]>>? headers, DateTimeOffset deliverAt, string? scheduleKey, CancellationToken cancellationToken)
        => Schedule(topic, key, value, headers, deliverAt, scheduleKey, cancellationToken);

    private Task<string> Schedule(string topic, byte[]? key, byte[] value, IEnumerable<KeyValuePair<string, byte[]>>? headers, DateTimeOffset deliverAt, string? scheduleKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        var message = new DelayedMessage(scheduleKey ?? Guid.NewGuid().ToString("N"), topic, key, value, headers?.ToArray() ?? [], deliverAt, time.GetUtcNow());
        lock (_gate)
        {
            _scheduled.Add(message);
            _pending[message.ScheduleKey] = message;
        }

        return Task.FromResult(message.ScheduleKey);
    }

    /// <inheritdoc />
    Task<string> IDelayedMessagePublisher.ScheduleAsync<T>(string topic, string? key, T message, JsonTypeInfo<T> jsonTypeInfo, DateTimeOffset deliverAt, string? scheduleKey, CancellationToken cancellationToken)
        => Schedule(topic, Utf8(key), JsonSerializer.SerializeToUtf8Bytes(message, jsonTypeInfo), null, deliverAt, scheduleKey, cancellationToken);

    /// <inheritdoc />
    Task<string> IDelayedMessagePublisher.ScheduleAsync<T>(string topic, string? key, T message, DateTimeOffset deliverAt, JsonSerializerOptions? jsonOptions, string? scheduleKey, CancellationToken cancellationToken)
        => Schedule(topic, Utf8(key), JsonSerializer.SerializeToUtf8Bytes(message, jsonOptions ?? JsonSerializerOptions.Web), null, deliverAt, scheduleKey, cancellationToken);

    /// <inheritdoc />
    public Task<string> PublishDelayedAsync<T>(T message, DateTimeOffset deliverAt, string? scheduleKey = null, CancellationToken cancellationToken = default)
    {
        var topic = typeof(T).GetCustomAttribute<DelayedTopicAttribute>()?.Topic
            ?? throw new InvalidOperationException($"{typeof(T)} has no [DelayedTopic]; use ScheduleAsync with an explicit topic.");
        return Schedule(topic, null, JsonSerializer.SerializeToUtf8Bytes(message, JsonSerializerOptions.Web), null, deliverAt, scheduleKey, cancellationToken);
    }

    /// <inheritdoc />
    public Task CancelAsync(string scheduleKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleKey);
        lock (_gate)
        {
            _pending.Remove(scheduleKey);
            _cancelled.Add(scheduleKey);
        }

        return Task.CompletedTask;
    }

    /// <summary>Delivers every pending message due at or before the clock's time, earliest first.</summary>
    /// <returns>The messages delivered.</returns>
    public IReadOnlyList<DelayedMessage> DeliverDue()
    {
        var now = time.GetUtcNow();
        DelayedMessage[] due;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return [];
            }

            due = DueBy(now);
            foreach (var m in due)
            {
                _pending.Remove(m.ScheduleKey);
                _delivered.Add(m);
            }
        }

        foreach (var m in due)
        {
            MessageDelivered?.Invoke(m);
        }

        return due;
    }

    // Apart from DeliverDue so that its closure is allocated only when messages are pending: the simulator calls
    // DeliverDue at every step (issue 13).
    private DelayedMessage[] DueBy(DateTimeOffset now)
        => _pending.Values.Where(m => m.DeliverAt <= now).OrderBy(m => m.DeliverAt).ThenBy(m => m.ScheduledAt).ToArray();

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }
}
