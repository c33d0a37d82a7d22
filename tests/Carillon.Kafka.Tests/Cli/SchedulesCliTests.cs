using System.Text;
using Carillon.Kafka.Tests.RecurringMessages;
using Carillon.Kafka.Tests.Support;

namespace Carillon.Kafka.Tests.Cli;

/// <summary><c>carillon schedules …</c>, run as its own process, against a live owner (issue 11).</summary>
public sealed class SchedulesCliTests
{
    [Fact]
    public async Task Cli_added_schedule_fires_and_is_listed_viewed_and_deleted()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        var b = kit.Kafka.BootstrapServers;

        var (added, addLines) = await RunAsync("schedules", "add", "cli.report", "* * * * * *", "--topic", RecurringMessagesKit.Target, "--key", "k", "--value", "hello", "--header", "h=1", "-b", b);
        Assert.True(added == 0, string.Join('\n', addLines));
        var fired = kit.ReadUntil(r => r.Count >= 1)[0];
        Assert.Equal("hello", Encoding.UTF8.GetString(fired.Message.Value!));
        Assert.Equal("1", RecurringMessagesKit.Header(fired, "h"));

        var (_, names) = await RunAsync("schedules", "list", "--names", "-b", b);
        Assert.Contains("cli.report", names);
        var (_, view) = await RunAsync("schedules", "view", "cli.report", "--json", "-b", b);
        Assert.Contains(view, l => l.Contains("\"cron\": \"* * * * * *\"", StringComparison.Ordinal));

        var (deleted, _) = await RunAsync("schedules", "delete", "cli.report", "-b", b);
        Assert.Equal(0, deleted);
        var (_, after) = await RunAsync("schedules", "list", "--names", "-b", b);
        Assert.DoesNotContain("cli.report", after);
        await host.StopAsync();
    }

    [Fact]
    public async Task Cli_rejects_a_bad_cron_with_the_build_message_and_writes_nothing()
    {
        using var kit = new RecurringMessagesKit();
        var b = kit.Kafka.BootstrapServers;

        var (exitCode, lines) = await RunAsync("schedules", "add", "bad", "0 0 30 2 *", "--topic", RecurringMessagesKit.Target, "-b", b);

        Assert.Equal(1, exitCode);
        Assert.Contains(lines, l => l.Contains("Cron expression '0 0 30 2 *' never fires", StringComparison.Ordinal));
        var (_, names) = await RunAsync("schedules", "list", "--names", "-b", b);
        Assert.DoesNotContain("bad", names);
    }

    [Fact]
    public async Task Cli_refuses_to_change_an_unknown_schedule_unless_forced()
    {
        using var kit = new RecurringMessagesKit();
        var b = kit.Kafka.BootstrapServers;

        var (refused, refusal) = await RunAsync("schedules", "trigger", "nobody", "-b", b);
        var (forced, _) = await RunAsync("schedules", "delete", "nobody", "-f", "-b", b);

        Assert.Equal(4, refused);
        Assert.Contains(refusal, l => l.Contains("no schedule named 'nobody'", StringComparison.Ordinal));
        Assert.Equal(0, forced);
    }

    private static async Task<(int ExitCode, IReadOnlyCollection<string> Lines)> RunAsync(params string[] args)
    {
        using var process = ChildProcess.StartDotnet("Carillon.Cli.dll", args);
        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exited, $"carillon {string.Join(' ', args)} did not finish: {string.Join('\n', process.Lines)}");
        return (process.ExitCode, process.Lines);
    }
}
