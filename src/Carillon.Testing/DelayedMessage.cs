using System.Text;

namespace Carillon.Testing;

/// <summary>A message handed to a <see cref="RecordingDelayedMessagePublisher"/>.</summary>
/// <param name="ScheduleKey">Its schedule key (the given one, or a generated one).</param>
/// <param name="Topic">The target topic.</param>
/// <param name="Key">The Kafka key, or null.</param>
/// <param name="Value">The Kafka value.</param>
/// <param name="Headers">The headers given, in order.</param>
/// <param name="DeliverAt">When it is due.</param>
/// <param name="ScheduledAt">The clock's time when it was scheduled.</param>
public sealed record DelayedMessage(
    string ScheduleKey,
    string Topic,
    byte[]? Key,
    byte[] Value,
    IReadOnlyList<KeyValuePair<string, byte[]>> Headers,
    DateTimeOffset DeliverAt,
    DateTimeOffset ScheduledAt)
{
    /// <summary>The value as UTF-8 text (JSON for the typed overloads).</summary>
    public string ValueText => Encoding.UTF8.GetString(Value);

    /// <summary>The key as UTF-8 text, or null.</summary>
    public string? KeyText => Key is null ? null : Encoding.UTF8.GetString(Key);
}
