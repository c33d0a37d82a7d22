using Carillon.Kafka;
using Carillon.Kafka.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Carillon.RecurringMessages.Health;

/// <summary>
/// <c>carillon-recurring-messages</c> (issue 11; docs/diagnostics.md): Unhealthy when the owner crashed, its consumer
/// loop failed within the last 30 s, or no broker is reachable; Degraded when a schedule cannot fire (its target
/// topic does not exist, so its occurrences are dead-lettered) or a firing transaction failed within the last 30 s;
/// Healthy otherwise, with the owned partitions and held schedules in the data.
/// </summary>
internal sealed class RecurringMessagesHealthCheck(RecurringMessagesStatus status, KafkaConnectivity connectivity, IOptions<CarillonOptions> options, TimeProvider time) : IHealthCheck
{
    public const string Name = "carillon-recurring-messages";
    private const int NamesShown = 10;
    private static readonly TimeSpan s_recent = TimeSpan.FromSeconds(30);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.RecurringMessages.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("disabled on this instance (Carillon:RecurringMessages:Enabled)"));
        }

        var data = new Dictionary<string, object>
        {
            ["ownedPartitions"] = status.OwnedPartitions,
            ["heldSchedules"] = status.HeldSchedules,
        };
        var now = time.GetUtcNow();
        if (status.Crash is { } crash)
        {
            return Result(HealthStatus.Unhealthy, "the recurring-messages owner stopped after an unexpected failure: " + crash, data);
        }

        if (status.LoopFailure is { } failure && now - failure.At < s_recent)
        {
            data["loopFailedAt"] = failure.At;
            return Result(HealthStatus.Unhealthy, $"the recurring-messages consumer failed {Ago(now - failure.At)} ago and is being rebuilt: {failure.Reason}", data);
        }

        var kafka = connectivity.Assess();
        data["kafka"] = kafka.State.ToString();
        if (kafka.IsUnhealthy)
        {
            return Result(HealthStatus.Unhealthy, "cannot reach the cluster: " + kafka.Describe(), data);
        }

        if (status.AnyCannotFire)
        {
            var stuck = status.SchedulesThatCannotFire;
            data["cannotFire"] = stuck.Select(c => c.Name).ToArray();
            var shown = string.Join("; ", stuck.Take(NamesShown).Select(c => $"{RecordText.Printable(c.Name)} -> {RecordText.Printable(c.TargetTopic)}"));
            var more = stuck.Count > NamesShown ? $" (and {stuck.Count - NamesShown} more)" : string.Empty;
            return Result(HealthStatus.Degraded, $"{stuck.Count} schedule(s) cannot fire: their target topic does not exist, occurrences go to {options.Value.RecurringMessages.DeadLetterTopic}: {shown}{more}", data);
        }

        if (status.FireFailure is { } fire && now - fire.At < s_recent)
        {
            return Result(HealthStatus.Degraded, $"a firing transaction failed {Ago(now - fire.At)} ago (retried): {fire.Reason}", data);
        }

        return Result(HealthStatus.Healthy, status.Running ? $"owning {status.OwnedPartitions} partition(s), {status.HeldSchedules} schedule(s)" : "starting", data);
    }

    private static string Ago(TimeSpan span) => $"{Math.Max(0, (int)span.TotalSeconds)} s";

    private static Task<HealthCheckResult> Result(HealthStatus health, string description, Dictionary<string, object> data)
        => Task.FromResult(new HealthCheckResult(health, description, data: data));
}
