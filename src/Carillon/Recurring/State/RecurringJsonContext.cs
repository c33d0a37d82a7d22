using System.Text.Json.Serialization;
using Carillon.Protocol;

namespace Carillon.Recurring.State;

/// <summary>Source-generated JSON metadata: no reflection, and every field is written (nulls too) and a missing
/// field or a null where none is allowed is a decode error.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
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
