using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Carillon;

/// <summary>
/// Recurring messages defined at run time (issue 11; docs/recurring-messages.md): at each occurrence of a cron
/// expression, Carillon produces a given record to a given topic, exactly once for a <c>read_committed</c> reader.
/// Names follow the task-ID rule; a bad name, cron expression or time zone throws <see cref="ArgumentException"/> with
/// the build's message and nothing is written. Every write completes once the record is durably on the topic; the
/// owner of the schedule's partition applies it before its next occurrence.
/// </summary>
public interface IRecurringMessages
{
    // The same overload shape as IDelayedMessagePublisher (raw, JsonTypeInfo, JsonSerializerOptions), each with its own
    // optional tail: new API, so adding these overloads breaks no compiled caller.
#pragma warning disable RS0026
    /// <summary>Creates or replaces the schedule <paramref name="name"/>: its raw record reaches <paramref name="targetTopic"/> untouched.</summary>
    /// <param name="name">The schedule's name (task-ID rule).</param>
    /// <param name="cron">5 fields, 6 with seconds first, or a macro; validated with the build's rule.</param>
    /// <param name="targetTopic">The topic each occurrence is produced to.</param>
    /// <param name="key">The record key, or null.</param>
    /// <param name="value">The record value, or null.</param>
    /// <param name="headers">The record headers, or null (names starting with <c>carillon-</c> are reserved).</param>
    /// <param name="options">Time zone, enabled, misfire policy, start and end, description; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the wait for the write.</param>
    Task AddOrUpdateAsync(
        string name,
        string cron,
        string targetTopic,
        byte[]? key,
        byte[]? value,
        IEnumerable<KeyValuePair<string, byte[]>>? headers = null,
        RecurringMessageOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a schedule whose record value is <paramref name="message"/> as JSON with a source-generated contract.</summary>
    /// <param name="name">The schedule's name (task-ID rule).</param>
    /// <param name="cron">The cron expression.</param>
    /// <param name="targetTopic">The topic each occurrence is produced to.</param>
    /// <param name="key">The record key (UTF-8), or null.</param>
    /// <param name="message">The record value, serialized once now.</param>
    /// <param name="jsonTypeInfo">The source-generated contract of <typeparamref name="T"/>.</param>
    /// <param name="options">Schedule options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the wait for the write.</param>
    Task AddOrUpdateAsync<T>(
        string name,
        string cron,
        string targetTopic,
        string? key,
        T message,
        JsonTypeInfo<T> jsonTypeInfo,
        RecurringMessageOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a schedule whose record value is <paramref name="message"/> as JSON (reflection; <see cref="JsonSerializerOptions.Web"/> when null).</summary>
    /// <param name="name">The schedule's name (task-ID rule).</param>
    /// <param name="cron">The cron expression.</param>
    /// <param name="targetTopic">The topic each occurrence is produced to.</param>
    /// <param name="key">The record key (UTF-8), or null.</param>
    /// <param name="message">The record value, serialized once now.</param>
    /// <param name="jsonOptions">Serializer options; <see cref="JsonSerializerOptions.Web"/> when null.</param>
    /// <param name="options">Schedule options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the wait for the write.</param>
    Task AddOrUpdateAsync<T>(
        string name,
        string cron,
        string targetTopic,
        string? key,
        T message,
        JsonSerializerOptions? jsonOptions,
        RecurringMessageOptions? options = null,
        CancellationToken cancellationToken = default);

#pragma warning restore RS0026

    /// <summary>Removes the schedule: once its owner reads the removal, it never fires again. Removing an unknown name is a no-op.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the write.</param>
    Task RemoveAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Enables the schedule (ignored by the owner when no such schedule exists).</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the write.</param>
    Task EnableAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Disables the schedule: it keeps its definition and fires nothing until enabled.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the write.</param>
    Task DisableAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Fires the schedule once now, whether enabled or not, exactly once like any occurrence.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the write.</param>
    Task TriggerAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Reads the schedule from its partition; null when there is none.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<RecurringMessage?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Reads every schedule from the topic, ordered by name.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<RecurringMessage>> ListAsync(CancellationToken cancellationToken = default);
}
