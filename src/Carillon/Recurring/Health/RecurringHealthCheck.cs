using Carillon.Kafka.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Carillon.Recurring.Health;

/// <summary>
/// <c>carillon-recurring</c>: Unhealthy after a schedule version conflict (this instance runs an older schedule than
/// the one stored, so it left the group and runs nothing until redeployed); Unhealthy while <see cref="KafkaConnectivity"/>
/// says the cluster is unreachable or every handshake fails (an owner cut off from Kafka runs nothing; issue 8 saw
/// "Healthy (standby)" there); Unhealthy, naming them, while a task can never run here (<see cref="UnschedulableTasks"/>:
/// logged once by the engine as 3012 or 3027; a deployment that does not do what it declares should stop a rolling update at its readiness gate; issue 9); Degraded while no broker answers for less than the session timeout, or when the
/// schedules client reported a Kafka error in the last 30 seconds; Healthy otherwise, with whether this instance is the
/// owner in the data.
/// </summary>
internal sealed class RecurringHealthCheck(RecurringStatus status, KafkaConnectivity connectivity, UnschedulableTasks unschedulable, TimeProvider time) : IHealthCheck
{
    public const string Name = "carillon-recurring";
    private static readonly TimeSpan s_recentError = TimeSpan.FromSeconds(30);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["owner"] = status.IsOwner,
            ["terms"] = status.Terms,
        };
        if (status.OwnerSince is { } since)
        {
            data["ownerSince"] = since;
        }

        if (status.VersionConflict is { } conflict)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(conflict, data: data));
        }

        if (unschedulable.Tasks is { Count: > 0 } broken)
        {
            data["unschedulable"] = broken.Select(t => t.TaskId).ToArray();
            var which = string.Join("; ", broken.Select(t => $"task {t.TaskId}: {t.Problem}"));
            return Task.FromResult(HealthCheckResult.Unhealthy("Tasks that can never run on this instance: " + which, data: data));
        }

        var kafka = connectivity.Assess();
        data["kafka"] = kafka.State.ToString();
        if (kafka.IsUnhealthy)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(kafka.Describe(), data: data));
        }

        if (kafka.State == KafkaReachabilityState.Unsure && kafka.Errors > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded(kafka.Describe(), data: data));
        }

        var (reason, at) = status.LastKafkaError;
        if (reason is not null && at is { } when && time.GetUtcNow() - when < s_recentError)
        {
            return Task.FromResult(HealthCheckResult.Degraded("Kafka: " + reason, data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy(status.IsOwner ? "schedule owner" : "standby", data));
    }
}
