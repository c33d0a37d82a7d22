using System.Collections.Concurrent;
using Carillon.Protocol;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class SingleOwnerTests
{
    [Fact]
    public async Task Exactly_one_of_three_instances_runs_each_occurrence()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var registry = RecurringNode.Registry(runs);
        await using var a = await RecurringNode.StartAsync(kafka.BootstrapServers, "a", registry);
        await using var b = await RecurringNode.StartAsync(kafka.BootstrapServers, "b", registry);
        await using var c = await RecurringNode.StartAsync(kafka.BootstrapServers, "c", registry);
        RecurringNode[] nodes = [a, b, c];

        await KafkaTestKit.EventuallyAsync(() => nodes.Count(n => n.Status.IsOwner) == 1 && runs.Count(r => r.Instance == nodes.Single(n => n.Status.IsOwner).InstanceId) >= 5, "a stable owner running");

        Assert.Single(nodes, n => n.Status.IsOwner);
        var occurrences = runs.Select(r => r.Occurrence).ToList();
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());

        List<ExecutionLogRecord> logs = [];
        await KafkaTestKit.EventuallyAsync(() => (logs = KafkaTestKit.ReadLogs(kafka.BootstrapServers)).Count(l => l.Outcome == ScheduledRunOutcome.Succeeded) >= 5, "execution logs");
        var started = logs.Where(l => l.Outcome is ScheduledRunOutcome.Succeeded or ScheduledRunOutcome.Failed or ScheduledRunOutcome.TimedOut).ToList();
        Assert.Equal(started.Count, started.Select(l => l.Occurrence).Distinct().Count());
        Assert.All(started, l => Assert.Equal("1.0.0", l.ScheduleVersion));
    }
}
