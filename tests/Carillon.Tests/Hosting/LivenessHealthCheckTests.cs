using Carillon.Hosting.Liveness;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Carillon.Tests.Hosting;

public sealed class LivenessHealthCheckTests
{
    [Fact]
    public async Task A_loop_that_stops_beating_makes_liveness_unhealthy_naming_it()
    {
        var time = new FakeTimeProvider();
        var monitor = new LoopMonitor(time);
        var check = new LivenessHealthCheck(monitor);
        using var consumer = monitor.Register("delayed-consumer", TimeSpan.FromSeconds(30));
        using var worker = monitor.Register("delayed-partition-3", TimeSpan.FromSeconds(30));

        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            consumer.Beat();
        }

        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("stalled: delayed-partition-3 (silent 50 s, limit 30 s)", result.Description);
        Assert.Equal(["delayed-partition-3"], (string[])result.Data["stalled"]);

        worker.Beat();
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task A_loop_that_ended_is_no_longer_watched()
    {
        var time = new FakeTimeProvider();
        var monitor = new LoopMonitor(time);
        var lease = monitor.Register("schedules-owner", TimeSpan.FromSeconds(10));
        lease.Dispose();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(HealthStatus.Healthy, (await new LivenessHealthCheck(monitor).CheckHealthAsync(new HealthCheckContext())).Status);
    }
}
