using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Carillon.Hosting.Liveness;

/// <summary>
/// <c>carillon-liveness</c>: Unhealthy naming each loop registered with <see cref="LoopMonitor"/> that has not beaten
/// for longer than it declared (issue 8: "a loop that has made no progress for longer than it should"): a partition
/// worker stuck in a librdkafka call, a consumer thread pinned by a callback. Healthy otherwise, listing the loops.
/// </summary>
internal sealed class LivenessHealthCheck(LoopMonitor loops) : IHealthCheck
{
    public const string Name = "carillon-liveness";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var running = loops.Running();
        var stalled = loops.Stalled();
        var data = new Dictionary<string, object>
        {
            ["running"] = running,
            ["stalled"] = stalled.Select(s => s.Name).ToArray(),
        };
        if (stalled.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{running.Count} loop(s) making progress", data));
        }

        var names = string.Join(", ", stalled.Select(s => $"{s.Name} (silent {s.Silent.TotalSeconds:0} s, limit {s.StallAfter.TotalSeconds:0} s)"));
        return Task.FromResult(HealthCheckResult.Unhealthy("stalled: " + names, data: data));
    }
}
