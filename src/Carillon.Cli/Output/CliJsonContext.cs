using System.Text.Json.Serialization;
using Carillon.Monitoring;

namespace Carillon.Cli.Output;

/// <summary>What <c>tasks show --json</c> prints: the task and its recent runs, newest first.</summary>
internal sealed record TaskDetails(TaskView Task, IReadOnlyList<RunView> Runs);

/// <summary>
/// The <c>--json</c> output of the listing commands (documented in docs/cli.md): camelCase, enums as strings,
/// timestamps ISO 8601 with offset, durations as <c>[d.]hh:mm:ss[.fffffff]</c>; no type names. Source-generated.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ScheduleView))]
[JsonSerializable(typeof(TaskDetails))]
[JsonSerializable(typeof(DelayedView))]
[JsonSerializable(typeof(IReadOnlyList<DeadLetterView>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
