using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class GracefulHandoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_stopping_owner_records_its_runs_and_leaves_the_group_for_a_standby()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var registry = RecurringNode.Registry(runs);
        await using var a = await RecurringNode.StartAsync(kafka.BootstrapServers, "a", registry);
        await using var b = await RecurringNode.StartAsync(kafka.BootstrapServers, "b", registry);
        await KafkaTestKit.EventuallyAsync(() => (a.Status.IsOwner || b.Status.IsOwner) && runs.Count >= 2, "an owner running");
        var (owner, standby) = a.Status.IsOwner ? (a, b) : (b, a);

        var clock = Stopwatch.StartNew();
        await owner.StopAsync();
        var stopped = clock.Elapsed;
        await KafkaTestKit.EventuallyAsync(() => standby.Status.IsOwner, "the standby takes over");
        var handover = clock.Elapsed;
        await KafkaTestKit.EventuallyAsync(() => runs.Count(r => r.Instance == standby.InstanceId) >= 2, "the standby runs");
        output.WriteLine($"owner stopped in {stopped.TotalMilliseconds:F0} ms, standby owner after {handover.TotalMilliseconds:F0} ms");

        var logs = KafkaTestKit.ReadLogs(kafka.BootstrapServers);
        Assert.DoesNotContain(logs, l => l.Outcome == ScheduledRunOutcome.Interrupted && l.Instance == standby.InstanceId && runs.Any(r => r.Occurrence == l.Occurrence));
        Assert.Equal(runs.Count, runs.Select(r => r.Occurrence).Distinct().Count());
        Assert.All(runs.Where(r => r.Instance == owner.InstanceId), r => Assert.Contains(logs, l => l.Occurrence == r.Occurrence && l.Outcome == ScheduledRunOutcome.Succeeded));
    }
}
