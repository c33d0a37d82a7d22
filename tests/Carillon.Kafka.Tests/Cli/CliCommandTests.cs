using System.Collections.Concurrent;
using Carillon.Kafka.Tests.Delayed;
using Carillon.Kafka.Tests.Recurring;
using Carillon.Kafka.Tests.Support;

namespace Carillon.Kafka.Tests.Cli;

/// <summary>The <c>carillon</c> tool, run as its own process, against live owners and dispatchers.</summary>
public sealed class CliCommandTests
{
    [Fact]
    public async Task Cli_disable_and_trigger_are_applied_by_the_schedule_owner()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        await using var owner = await RecurringNode.StartAsync(kafka.BootstrapServers, "owner", RecurringNode.Registry(runs, "1.0.0", "alpha"));
        await KafkaTestKit.EventuallyAsync(() => owner.Status.IsOwner && !runs.IsEmpty, "owner running alpha");

        await RunCliAsync("tasks", "disable", "alpha", "-b", kafka.BootstrapServers);
        await KafkaTestKit.EventuallyAsync(
            () => KafkaTestKit.ReadLogs(kafka.BootstrapServers).Any(l => l.Task == "alpha" && l.Outcome == ScheduledRunOutcome.SkippedDisabled),
            "alpha skipped as disabled");

        await RunCliAsync("tasks", "trigger", "alpha", "-b", kafka.BootstrapServers);
        await KafkaTestKit.EventuallyAsync(() => runs.Any(r => r.Trigger == ScheduledRunTrigger.Manual), "a manual run of disabled alpha");
    }

    [Fact]
    public async Task Cli_schedule_is_delivered_by_the_dispatcher_and_cli_cancel_prevents_delivery()
    {
        using var kit = new DelayedTestKit("cli-target");
        using var host = await kit.StartHostAsync();
        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(2).ToString("O");

        var cancelled = (await RunCliAsync("delayed", "schedule", "-b", kit.Kafka.BootstrapServers, "--target-topic", "cli-target", "--value", "never", "--at", deliverAt, "--key", "to-cancel")).Trim();
        await RunCliAsync("delayed", "cancel", "-b", kit.Kafka.BootstrapServers, cancelled);
        var kept = (await RunCliAsync("delayed", "schedule", "-b", kit.Kafka.BootstrapServers, "--target-topic", "cli-target", "--value", "hello", "--at", deliverAt)).Trim();

        var delivered = kit.ReadUntil("cli-target", r => r.Count >= 1, TimeSpan.FromSeconds(60));

        Assert.Equal("to-cancel", cancelled);
        var message = Assert.Single(delivered);
        Assert.Equal("hello", DelayedTestKit.Text(message.Message.Value));
        Assert.Equal(kept, DelayedTestKit.Header(message, "carillon-schedule-key"));
    }

    private static async Task<string> RunCliAsync(params string[] args)
    {
        using var process = ChildProcess.StartDotnet("Carillon.Cli.dll", args);
        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exited, $"carillon {string.Join(' ', args)} did not finish: {string.Join('\n', process.Lines)}");
        Assert.True(process.ExitCode == 0, $"carillon {string.Join(' ', args)} exited with {process.ExitCode}: {string.Join('\n', process.Lines)}");
        return string.Join('\n', process.Lines.Where(l => !l.StartsWith("[err]", StringComparison.Ordinal)));
    }
}
