using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static Carillon.Kafka.Tests.RecurringMessages.RecurringMessagesKit;

namespace Carillon.Kafka.Tests.RecurringMessages;

/// <summary>The <c>carillon-recurring-messages</c> health check (issue 11; docs/diagnostics.md), read through <see cref="HealthCheckService"/>.</summary>
public sealed class RecurringMessagesHealthTests
{
    [Fact]
    public async Task The_check_is_healthy_with_the_partitions_and_schedules_this_instance_owns()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        await host.Services.GetRequiredService<IRecurringMessages>().AddOrUpdateAsync("one", "0 0 1 1 *", Target, null, Encoding.UTF8.GetBytes("x"));

        var entry = await HealthEventuallyAsync(host, HealthStatus.Healthy, e => (int)e.Data["heldSchedules"] == 1);

        Assert.Equal(Partitions, entry.Data["ownedPartitions"]);
        Assert.Equal($"owning {Partitions} partition(s), 1 schedule(s)", entry.Description);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_schedule_whose_target_topic_does_not_exist_makes_the_check_degraded_naming_it()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(o => o.Kafka["allow.auto.create.topics"] = "false");
        await host.Services.GetRequiredService<IRecurringMessages>().AddOrUpdateAsync("lost", "* * * * * *", "absent", null, Encoding.UTF8.GetBytes("x"));

        var entry = await HealthEventuallyAsync(host, HealthStatus.Degraded);

        Assert.Contains("lost -> absent", entry.Description, StringComparison.Ordinal);
        Assert.Contains(DeadLetterTopic, entry.Description, StringComparison.Ordinal);
        Assert.Equal(["lost"], (string[])entry.Data["cannotFire"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Removing_the_schedule_that_cannot_fire_makes_the_check_healthy_again()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(o => o.Kafka["allow.auto.create.topics"] = "false");
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        await api.AddOrUpdateAsync("lost", "* * * * * *", "absent", null, Encoding.UTF8.GetBytes("x"));
        await HealthEventuallyAsync(host, HealthStatus.Degraded);

        await api.RemoveAsync("lost");

        await HealthEventuallyAsync(host, HealthStatus.Healthy);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_cluster_set_down_makes_the_check_unhealthy()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(o => o.SessionTimeout = TimeSpan.FromSeconds(3));
        await HealthEventuallyAsync(host, HealthStatus.Healthy, e => (int)e.Data["ownedPartitions"] == Partitions);

        kit.Kafka.SetBrokerDown(1);

        // A consumer failure may read Unhealthy first (it says so for 30 s); the outage is what stays.
        var entry = await HealthEventuallyAsync(host, HealthStatus.Unhealthy, e => e.Description!.StartsWith("cannot reach the cluster: ", StringComparison.Ordinal));
        Assert.Equal("Unreachable", entry.Data["kafka"]);
        kit.Kafka.SetBrokerUp(1);
        await host.StopAsync();
    }
}
