using System.Collections.Concurrent;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class NonExclusiveTests
{
    [Fact]
    public async Task A_non_exclusive_task_runs_on_every_instance_and_logs_its_outcomes()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var registry = new ScheduleRegistry("1.0.0",
        [
            new ScheduledTaskDescriptor("everywhere", "* * * * * *", null, false, 0, exclusive: false, enabled: true, MisfirePolicy.RunOnce, "1.0.0", "Tests.Jobs", "Everywhere",
                (_, ctx, _) =>
                {
                    runs.Enqueue(new ObservedRun(ctx.InstanceId, ctx.TaskId, ctx.Occurrence, ctx.Trigger, ctx.FiredAt));
                    return ValueTask.CompletedTask;
                }),
        ]);
        await using var a = await RecurringNode.StartAsync(kafka.BootstrapServers, "a", registry);
        await using var b = await RecurringNode.StartAsync(kafka.BootstrapServers, "b", registry);

        await KafkaTestKit.EventuallyAsync(() => runs.Count(r => r.Instance == "a") >= 3 && runs.Count(r => r.Instance == "b") >= 3, "both instances running it");
        await KafkaTestKit.EventuallyAsync(() => KafkaTestKit.ReadLogs(kafka.BootstrapServers).Select(l => l.Instance).Distinct().Count() == 2, "outcomes of both in the logs topic");

        // Every instance runs each occurrence once.
        Assert.All(runs.GroupBy(r => r.Instance), g => Assert.Equal(g.Count(), g.Select(r => r.Occurrence).Distinct().Count()));
    }
}
