using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Carillon;

/// <summary>
/// Schedules Kafka messages for later delivery. Every method returns (or takes) the schedule key: scheduling again
/// with the same key replaces the earlier schedule, <see cref="CancelAsync"/> cancels it. The returned task completes
/// once the schedule is durably on the delayed topic.
/// </summary>
public interface IDelayedMessagePublisher
{
    /// <summary>Schedules a raw message: <paramref name="value"/> and <paramref name="headers"/> reach <paramref name="topic"/> untouched.</summary>
    /// <param name="topic">The topic the message is delivered to.</param>
    /// <param name="key">The message key, or null.</param>
    /// <param name="value">The message value.</param>
    /// <param name="headers">The message headers, or null.</param>
    /// <param name="deliverAt">When the message is due.</param>
    /// <param name="scheduleKey">Replaces the schedule with this key; a new GUID-based key when null.</param>
    /// <param name="cancellationToken">Cancels the wait for the schedule to be written.</param>
    Task<string> ScheduleAsync(
        string topic,
        byte[]? key,
        byte[] value,
        IEnumerable<KeyValuePair<string, byte[]>>? headers,
        DateTimeOffset deliverAt,
        string? scheduleKey = null,
        CancellationToken cancellationToken = default);

    /// <summary>Schedules <paramref name="message"/> serialized as JSON with a source-generated contract.</summary>
    Task<string> ScheduleAsync<T>(
        string topic,
        string? key,
        T message,
        JsonTypeInfo<T> jsonTypeInfo,
        DateTimeOffset deliverAt,
        string? scheduleKey = null,
        CancellationToken cancellationToken = default);

    /// <summary>Schedules <paramref name="message"/> serialized as JSON (reflection; <see cref="JsonSerializerOptions.Web"/> when null).</summary>
    Task<string> ScheduleAsync<T>(
        string topic,
        string? key,
        T message,
        DateTimeOffset deliverAt,
        JsonSerializerOptions? jsonOptions = null,
        string? scheduleKey = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes <paramref name="message"/> at <paramref name="deliverAt"/> to the topic named by
    /// <see cref="DelayedTopicAttribute"/> on <typeparamref name="T"/> (serialized with <see cref="JsonSerializerOptions.Web"/>).
    /// </summary>
    Task<string> PublishDelayedAsync<T>(T message, DateTimeOffset deliverAt, string? scheduleKey = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a schedule (a tombstone for its key). Cancelling an unknown or already-dispatched key is a no-op.</summary>
    Task CancelAsync(string scheduleKey, CancellationToken cancellationToken = default);
}
