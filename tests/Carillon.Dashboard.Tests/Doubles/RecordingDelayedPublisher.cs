using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Carillon.Dashboard.Tests.Doubles;

/// <summary>Records the cancellations the dashboard writes; the dashboard never schedules.</summary>
public sealed class RecordingDelayedPublisher : IDelayedMessagePublisher
{
    public ConcurrentQueue<string> Cancelled { get; } = new();

    public Task CancelAsync(string scheduleKey, CancellationToken cancellationToken = default)
    {
        Cancelled.Enqueue(scheduleKey);
        return Task.CompletedTask;
    }

    public Task<string> ScheduleAsync(string topic, byte[]? key, byte[] value, IEnumerable<KeyValuePair<string, byte[]>>? headers, DateTimeOffset deliverAt, string? scheduleKey = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<string> ScheduleAsync<T>(string topic, string? key, T message, JsonTypeInfo<T> jsonTypeInfo, DateTimeOffset deliverAt, string? scheduleKey = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<string> ScheduleAsync<T>(string topic, string? key, T message, DateTimeOffset deliverAt, JsonSerializerOptions? jsonOptions = null, string? scheduleKey = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<string> PublishDelayedAsync<T>(T message, DateTimeOffset deliverAt, string? scheduleKey = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}
