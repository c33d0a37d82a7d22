using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Carillon.Kafka.Health;

/// <summary>
/// <c>carillon-kafka</c>: Unhealthy while no broker has been reachable for longer than the session timeout, or while
/// every TLS/SASL handshake fails (issue 8; issue 9 §5: <c>security.protocol=SSL</c> against a plaintext listener used
/// to read Healthy). Healthy otherwise, with the outage so far in the description and data.
/// </summary>
internal sealed class KafkaHealthCheck(KafkaConnectivity connectivity) : IHealthCheck
{
    public const string Name = "carillon-kafka";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reachability = connectivity.Assess();
        var data = new Dictionary<string, object>
        {
            ["state"] = reachability.State.ToString(),
            ["bootstrapServers"] = reachability.Servers,
            ["unreachableSeconds"] = Math.Round(reachability.Down.TotalSeconds),
            ["connectionErrors"] = reachability.Errors,
        };
        if (reachability.LastError is { } error)
        {
            data["lastError"] = error;
        }

        var description = reachability.Describe();
        return Task.FromResult(reachability.IsUnhealthy
            ? HealthCheckResult.Unhealthy(description, data: data)
            : HealthCheckResult.Healthy(description, data));
    }
}
