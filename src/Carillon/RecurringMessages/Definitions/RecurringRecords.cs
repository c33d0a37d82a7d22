using System.Text.Json.Serialization;

namespace Carillon.RecurringMessages.Definitions;

/// <summary>A header of the produced record; its value is base64 in JSON.</summary>
internal sealed record HeaderRecord(string Name, byte[] Value);

/// <summary>
/// A schedule's definition (kind <c>definition</c>, version 1). Times are Unix milliseconds; bytes are base64.
/// A later definition with the same name replaces it.
/// </summary>
internal sealed record DefinitionRecord(
    int V,
    string Cron,
    string? TimeZone,
    string TargetTopic,
    byte[]? Key,
    byte[]? Value,
    IReadOnlyList<HeaderRecord> Headers,
    bool Enabled,
    MisfirePolicy Misfire,
    long? StartAt,
    long? EndAt,
    string? Description);

/// <summary>The commands anyone may write (kind <c>command</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecurringCommand>))]
internal enum RecurringCommand
{
    Enable,
    Disable,
    Trigger,
}

/// <summary>A command (kind <c>command</c>, version 1). <see cref="At"/> is when it was written (Unix ms).</summary>
internal sealed record CommandRecord(int V, RecurringCommand Command, long At);

/// <summary>
/// An occurrence's claim (kind <c>claim</c>, version 1), written by the partition's owner in the same transaction as
/// the occurrence's record: <see cref="Occurrence"/> (Unix ms) is produced, or, with <see cref="TriggerOffset"/>, the
/// trigger command at that offset of the same partition is.
/// </summary>
internal sealed record ClaimRecord(int V, long Occurrence, long? TriggerOffset, string Instance);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(DefinitionRecord))]
[JsonSerializable(typeof(CommandRecord))]
[JsonSerializable(typeof(ClaimRecord))]
internal sealed partial class RecurringMessagesJsonContext : JsonSerializerContext;
