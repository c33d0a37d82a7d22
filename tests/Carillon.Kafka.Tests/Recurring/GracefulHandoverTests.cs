using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class GracefulHandoverTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ConsumerGroupProtocol.Classic)]
    [InlineData(ConsumerGroupProtocol.Consumer)]
    public async Task A_stopping_owner_records_its_runs_and_leaves_the_group_for_a_standby(ConsumerGroupProtocol protocol)
    {
        using var kafka = KafkaTestKit.StartBroker();
        kafka.SetConsumerGroupSessionTimeout(KafkaTestKit.ConsumerGroupSession);
        kafka.SetConsumerGroupHeartbeatInterval(KafkaTestKit.ConsumerGroupHeartbeat);
        var runs = new ConcurrentQueue<ObservedRun>();
        var registry = RecurringNode.Registry(runs);
        void Configure(CarillonOptions o) => o.Recurring.GroupProtocol = protocol;
        await using var a = await RecurringNode.StartAsync(kafka.BootstrapServers, "a", registry, Configure);
        await using var b = await RecurringNode.StartAsync(kafka.BootstrapServers, "b", registry, Configure);
        await KafkaTestKit.EventuallyAsync(() => (a.Status.IsOwner || b.Status.IsOwner) && runs.Count >= 2, "an owner running");
        var (owner, standby) = a.Status.IsOwner ? (a, b) : (b, a);

        var clock = Stopwatch.StartNew();
        await owner.StopAsync();
        var stopped = clock.Elapsed;
        await KafkaTestKit.EventuallyAsync(() => standby.Status.IsOwner, "the standby takes over", poll: TimeSpan.FromMilliseconds(10));
        var handover = clock.Elapsed;
        await KafkaTestKit.EventuallyAsync(() => runs.Count(r => r.Instance == standby.InstanceId) >= 2, "the standby runs");
        output.WriteLine($"{protocol}: owner stopped in {stopped.TotalMilliseconds:F0} ms, standby owner after {handover.TotalMilliseconds:F0} ms");

        if (protocol == ConsumerGroupProtocol.Consumer)
        {
            // The leaving member's last heartbeat frees the partition at once; the standby gets it on its next
            // heartbeat (250 ms here). Had the owner not left the group, the partition would only move once its
            // session (3 s) ran out. How fast the handover is (goal: 1 s) is the recurring-takeover benchmark's
            // figure, not a timed assertion that a loaded machine could miss.
            Assert.True(handover - stopped < KafkaTestKit.ConsumerGroupSession, $"the standby took over {handover - stopped} after the owner stopped: the owner did not leave the group");
        }

        var logs = KafkaTestKit.ReadLogs(kafka.BootstrapServers);
        Assert.DoesNotContain(logs, l => l.Outcome == ScheduledRunOutcome.Interrupted && l.Instance == standby.InstanceId && runs.Any(r => r.Occurrence == l.Occurrence));
        Assert.Equal(runs.Count, runs.Select(r => r.Occurrence).Distinct().Count());
        Assert.All(runs.Where(r => r.Instance == owner.InstanceId), r => Assert.Contains(logs, l => l.Occurrence == r.Occurrence && l.Outcome == ScheduledRunOutcome.Succeeded));
    }
}
