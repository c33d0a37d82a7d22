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

    [Theory]
    [InlineData("tasks trigger alpha")]
    [InlineData("delayed schedule --target-topic orders --value v --in 00:01:00")]
    [InlineData("delayed cancel some-key")]
    [InlineData("tasks list")]
    [InlineData("tasks list --json")]
    [InlineData("tasks show alpha")]
    [InlineData("delayed stats")]
    [InlineData("delayed dead-letters")]
    [InlineData("schedules list")]
    public async Task Cli_against_an_unreachable_cluster_gives_up_after_its_timeout_with_one_error_line_and_exit_code_3(string command)
    {
        var closedPort = ClosedPort();
        var (exitCode, lines) = await RunCliRawAsync([.. command.Split(' '), "-b", $"127.0.0.1:{closedPort}", "--timeout", "00:00:02"]);

        Assert.Equal(3, exitCode);
        var error = Assert.Single(lines);
        Assert.StartsWith("[err] carillon: error: no answer from the Kafka cluster at 127.0.0.1:", error, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cli_timeout_given_as_a_bare_number_is_seconds()
    {
        var closedPort = ClosedPort();
        var (exitCode, lines) = await RunCliRawAsync(["tasks", "list", "-b", $"127.0.0.1:{closedPort}", "--timeout", "2"]);

        Assert.Equal(3, exitCode);
        var error = Assert.Single(lines);
        Assert.EndsWith("within 00:00:02 (--timeout)", error.Split(';')[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_reads_the_bootstrap_servers_from_the_environment_spelling_the_readme_documents()
    {
        using var kafka = KafkaTestKit.StartBroker();

        var (exitCode, lines) = await RunCliRawAsync(["tasks", "trigger", "*"], new Dictionary<string, string> { ["Carillon__BootstrapServers"] = kafka.BootstrapServers });

        Assert.True(exitCode == 0, string.Join('\n', lines));
        Assert.Contains(lines, l => l.StartsWith("trigger *: written at carillon_schedules", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cli_with_a_setting_that_does_not_convert_fails_with_one_line_naming_the_key()
    {
        var (exitCode, lines) = await RunCliRawAsync(["tasks", "list"], new Dictionary<string, string> { ["Carillon__GroupProtocol"] = "Fastest" });

        Assert.NotEqual(0, exitCode);
        var error = Assert.Single(lines);
        Assert.Equal("[err] carillon: error: Carillon:GroupProtocol = 'Fastest' is invalid: must be one of Classic, Consumer, Auto.", error);
    }

    [Fact]
    public async Task Cli_with_several_settings_that_do_not_convert_names_each_key_on_its_own_line()
    {
        var (exitCode, lines) = await RunCliRawAsync(
            ["tasks", "list"],
            new Dictionary<string, string> { ["Carillon__GroupProtocol"] = "Fastest", ["Carillon__SessionTimeout"] = "abc" });

        Assert.NotEqual(0, exitCode);
        Assert.Equal(2, lines.Count(l => l.StartsWith("[err] carillon: error: ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("Carillon:GroupProtocol = 'Fastest' is invalid", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Carillon:SessionTimeout = 'abc' is invalid", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cli_refuses_a_task_id_the_stored_schedule_does_not_know_unless_forced()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        await using var owner = await RecurringNode.StartAsync(kafka.BootstrapServers, "owner", RecurringNode.Registry(runs, "1.0.0", "alpha"));
        await KafkaTestKit.EventuallyAsync(() => owner.Status.IsOwner && !runs.IsEmpty, "owner running alpha");

        var (refused, refusal) = await RunCliRawAsync(["tasks", "trigger", "alhpa", "-b", kafka.BootstrapServers]);
        var (forced, _) = await RunCliRawAsync(["tasks", "trigger", "alhpa", "--force", "-b", kafka.BootstrapServers]);

        Assert.Equal(4, refused);
        Assert.Contains(refusal, l => l.Contains("task 'alhpa' is not in the stored schedule (known: alpha)", StringComparison.Ordinal));
        Assert.Equal(0, forced);
        var commands = KafkaTestKit.ReadAll(kafka.BootstrapServers, "carillon_schedules")
            .Count(r => System.Text.Encoding.UTF8.GetString(r.Message.Value).Contains("\"alhpa\"", StringComparison.Ordinal));
        Assert.Equal(1, commands);
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<(int ExitCode, IReadOnlyCollection<string> Lines)> RunCliRawAsync(string[] args, IDictionary<string, string>? environment = null)
    {
        using var process = ChildProcess.StartDotnet("Carillon.Cli.dll", args, environment);
        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exited, $"carillon {string.Join(' ', args)} did not finish: {string.Join('\n', process.Lines)}");
        return (process.ExitCode, process.Lines);
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
