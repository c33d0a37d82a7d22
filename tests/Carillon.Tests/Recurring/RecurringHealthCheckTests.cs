using Carillon.Kafka.Health;
using Carillon.Recurring.Health;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Carillon.Tests.Recurring;

public sealed class RecurringHealthCheckTests
{
    private static readonly DateTimeOffset Noon = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reports_owner_standby_kafka_errors_and_version_conflicts()
    {
        var time = new FakeTimeProvider(Noon);
        var status = new RecurringStatus();
        var check = new RecurringHealthCheck(status, new KafkaConnectivity(Options.Create(new CarillonOptions()), time, NullLogger<KafkaConnectivity>.Instance), NoBrokenTasks(time), time);
        async Task<HealthCheckResult> Check() => await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, (await Check()).Status);
        Assert.Equal(false, (await Check()).Data["owner"]);

        status.BecameOwner(Noon);
        Assert.Equal(true, (await Check()).Data["owner"]);

        status.KafkaError("1/1 brokers are down", Noon);
        Assert.Equal(HealthStatus.Degraded, (await Check()).Status);
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HealthStatus.Healthy, (await Check()).Status);

        status.LostOwnership("revoked");
        Assert.Equal(1, status.Losses);
        status.Conflict("older schedule");
        Assert.Equal(HealthStatus.Unhealthy, (await Check()).Status);
    }

    [Fact]
    public async Task A_cluster_unreachable_for_longer_than_the_session_timeout_makes_it_unhealthy_even_on_standby()
    {
        var time = new FakeTimeProvider(Noon);
        var connectivity = new KafkaConnectivity(Options.Create(new CarillonOptions { BootstrapServers = "broker:9092" }), time, NullLogger<KafkaConnectivity>.Instance);
        var check = new RecurringHealthCheck(new RecurringStatus(), connectivity, NoBrokenTasks(time), time);
        connectivity.ClientCreated();
        connectivity.OnError(new Confluent.Kafka.Error(Confluent.Kafka.ErrorCode.Local_Transport, "broker:9092/bootstrap: Connect to ipv4#10.0.0.1:9092 failed: Connection refused"));
        Assert.Equal(HealthStatus.Degraded, (await check.CheckHealthAsync(new HealthCheckContext())).Status);

        time.Advance(TimeSpan.FromSeconds(11));

        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("broker:9092", result.Description);
    }

    [Fact]
    public async Task A_task_that_cannot_be_scheduled_makes_it_unhealthy_and_is_named()
    {
        var time = new FakeTimeProvider(Noon);
        var registry = new Registry(
            Descriptor("fine", "*/10 * * * * *", null),
            Descriptor("bad-zone", "0 * * * *", "Nowhere/Atlantis"),
            Descriptor("feb-30", "0 0 30 2 *", null),
            Descriptor("garbage", "not a cron", null));
        var check = new RecurringHealthCheck(new RecurringStatus(), new KafkaConnectivity(Options.Create(new CarillonOptions()), time, NullLogger<KafkaConnectivity>.Instance), new UnschedulableTasks(registry, time), time);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(["bad-zone", "feb-30", "garbage"], (string[])result.Data["unschedulable"]);
        Assert.Contains("task bad-zone:", result.Description);
        Assert.Contains("task feb-30: '0 0 30 2 *' never fires", result.Description);
        Assert.Contains("task garbage:", result.Description);
        Assert.DoesNotContain("task fine", result.Description);
    }

    private static UnschedulableTasks NoBrokenTasks(TimeProvider time) => new(new Registry(Descriptor("fine", "0 * * * *", null)), time);

    private static ScheduledTaskDescriptor Descriptor(string id, string cron, string? timeZone)
        => new(id, cron, timeZone, false, 0, exclusive: true, true, MisfirePolicy.RunOnce, "1.0.0", "Tests.Jobs", id, (_, _, _) => ValueTask.CompletedTask);

    private sealed class Registry(params ScheduledTaskDescriptor[] tasks) : IScheduleRegistry
    {
        public string Version => "1.0.0";

        public IReadOnlyList<ScheduledTaskDescriptor> Tasks => tasks;

        public bool TryGetTask(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScheduledTaskDescriptor? task)
        {
            task = tasks.FirstOrDefault(t => t.Id == id);
            return task is not null;
        }
    }
}
