using System.Collections.Concurrent;
using Carillon.Protocol;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class CommandTests
{
    [Fact]
    public async Task Disable_trigger_and_enable_reach_the_owner_and_unknown_ids_fail_at_the_caller()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var registry = RecurringNode.Registry(runs, "1.0.0", "alpha", "beta");
        await using var owner = await RecurringNode.StartAsync(kafka.BootstrapServers, "owner", registry);
        await using var client = await RecurringNode.StartAsync(kafka.BootstrapServers, "client", registry, o => o.Recurring.Enabled = false);
        await KafkaTestKit.EventuallyAsync(() => owner.Status.IsOwner && runs.Any(r => r.TaskId == "beta"), "owner running");

        await Assert.ThrowsAsync<ArgumentException>(() => client.Commands.DisableAsync("gamma"));

        await client.Commands.DisableAsync("*");
        List<ExecutionLogRecord> logs = [];
        await KafkaTestKit.EventuallyAsync(
            () => (logs = KafkaTestKit.ReadLogs(kafka.BootstrapServers)).Count(l => l.Outcome == ScheduledRunOutcome.SkippedDisabled && l.Task == "alpha") >= 2
                && logs.Count(l => l.Outcome == ScheduledRunOutcome.SkippedDisabled && l.Task == "beta") >= 2,
            "both tasks skipped as disabled");

        var disabledAt = DateTimeOffset.UtcNow;
        await client.Commands.TriggerAsync("beta");
        await KafkaTestKit.EventuallyAsync(() => runs.Any(r => r.TaskId == "beta" && r.Trigger == ScheduledRunTrigger.Manual), "a manual run of disabled beta");
        // Let would-be scheduled occurrences pass (the owner logs them as skipped): none may run while disabled.
        var triggeredAt = DateTimeOffset.UtcNow;
        await KafkaTestKit.EventuallyAsync(
            () => KafkaTestKit.ReadLogs(kafka.BootstrapServers).Count(l => l.Task == "beta" && l.Outcome == ScheduledRunOutcome.SkippedDisabled && l.Occurrence > triggeredAt) >= 2,
            "two more occurrences of beta skipped as disabled");
        Assert.DoesNotContain(runs, r => r.Trigger == ScheduledRunTrigger.Schedule && r.FiredAt > disabledAt.AddSeconds(1));
        Assert.Single(runs, r => r.Trigger == ScheduledRunTrigger.Manual);

        await client.Commands.EnableAsync("alpha");
        var enabledAt = DateTimeOffset.UtcNow;
        await KafkaTestKit.EventuallyAsync(() => runs.Count(r => r.TaskId == "alpha" && r.FiredAt > enabledAt) >= 2, "alpha running again");
        Assert.DoesNotContain(runs, r => r.TaskId == "beta" && r.Trigger == ScheduledRunTrigger.Schedule && r.FiredAt > disabledAt.AddSeconds(1));
        Assert.Equal(runs.Count, runs.Select(r => (r.TaskId, r.Occurrence)).Distinct().Count());
    }

    [Fact]
    public async Task The_enabled_flag_and_commands_written_while_no_owner_ran_survive_a_restart()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var registry = RecurringNode.Registry(runs, "1.0.0", "alpha", "beta");

        var first = await RecurringNode.StartAsync(kafka.BootstrapServers, "first", registry);
        await KafkaTestKit.EventuallyAsync(() => first.Status.IsOwner && runs.Any(), "first owner running");
        await first.Commands.DisableAsync("alpha");
        await KafkaTestKit.EventuallyAsync(() => KafkaTestKit.ReadLogs(kafka.BootstrapServers).Any(l => l.Task == "alpha" && l.Outcome == ScheduledRunOutcome.SkippedDisabled), "alpha disabled");
        await first.DisposeAsync();

        // No owner now: these must be applied by the next one (https://github.com/karafka/karafka/pull/3213).
        await using (var offline = await RecurringNode.StartAsync(kafka.BootstrapServers, "offline-client", registry, o => o.Recurring.Enabled = false))
        {
            await offline.Commands.DisableAsync("beta");
            await offline.Commands.TriggerAsync("alpha");
        }

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await RecurringNode.StartAsync(kafka.BootstrapServers, "second", registry);
        await KafkaTestKit.EventuallyAsync(() => runs.Any(r => r.Instance == "second" && r.TaskId == "alpha" && r.Trigger == ScheduledRunTrigger.Manual), "the offline trigger applied");
        await KafkaTestKit.EventuallyAsync(
            () => KafkaTestKit.ReadLogs(kafka.BootstrapServers).Count(l => l.Instance == "second" && l.Outcome == ScheduledRunOutcome.SkippedDisabled) >= 4,
            "both tasks still disabled under the new owner");
        Assert.DoesNotContain(runs, r => r.Instance == "second" && r.Trigger != ScheduledRunTrigger.Manual);
        Assert.Single(runs, r => r.Instance == "second");
        Assert.True(runs.Where(r => r.Instance == "second").All(r => r.FiredAt > restartedAt));
    }
}
