using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class VersionTests
{
    [Fact]
    public async Task An_owner_with_an_older_schedule_version_runs_nothing_leaves_and_a_newer_instance_takes_over()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var v2 = RecurringNode.Registry(runs, "2.0.0");
        var v1 = RecurringNode.Registry(runs, "1.0.0");

        var first = await RecurringNode.StartAsync(kafka.BootstrapServers, "v2-first", v2);
        await KafkaTestKit.EventuallyAsync(() => first.Status.IsOwner && runs.Any(), "v2 owner running");
        await first.DisposeAsync();

        await using var old = await RecurringNode.StartAsync(kafka.BootstrapServers, "v1", v1);
        await KafkaTestKit.EventuallyAsync(() => old.Status.VersionConflict is not null, "the v1 instance sees the conflict");
        var health = await old.Host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, health.Status);

        await using var next = await RecurringNode.StartAsync(kafka.BootstrapServers, "v2-next", v2);
        await KafkaTestKit.EventuallyAsync(() => next.Status.IsOwner && runs.Count(r => r.Instance == "v2-next") >= 2, "the newer instance took over");

        Assert.DoesNotContain(runs, r => r.Instance == "v1");
        Assert.False(old.Status.IsOwner);
    }
}
