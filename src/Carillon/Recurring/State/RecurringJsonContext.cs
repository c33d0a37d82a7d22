using System.Text.Json.Serialization;
using Carillon.Recurring.Logs;

namespace Carillon.Recurring.State;

/// <summary>Source-generated JSON metadata: no reflection, and missing or null required fields are decode errors.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(SnapshotRecord))]
[JsonSerializable(typeof(ClaimRecord))]
[JsonSerializable(typeof(OutcomeRecord))]
[JsonSerializable(typeof(CommandRecord))]
[JsonSerializable(typeof(TakeoverRecord))]
[JsonSerializable(typeof(ExecutionLogRecord))]
internal sealed partial class RecurringJsonContext : JsonSerializerContext;
