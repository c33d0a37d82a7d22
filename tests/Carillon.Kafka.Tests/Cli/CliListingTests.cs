using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Carillon.Kafka.Tests.Delayed;
using Carillon.Kafka.Tests.Monitoring;
using Carillon.Kafka.Tests.Recurring;
using Carillon.Kafka.Tests.Support;
using Carillon.Protocol;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Cli;

/// <summary>The <c>carillon</c> listing commands (issue 10), run as their own process against a live owner and dispatcher.</summary>
public sealed class CliListingTests
{
    [Fact]
    public async Task Tasks_list_prints_an_aligned_table_of_every_task_and_the_owner()
    {
        using var kafka = KafkaTestKit.StartBroker();
        await using var owner = await StartOwnerAsync(kafka.BootstrapServers);

        var lines = await RunCliAsync("tasks", "list", "-b", kafka.BootstrapServers);

        var header = lines[0];
        Assert.StartsWith("ID", header, StringComparison.Ordinal);
        var columns = new[] { "CRON", "ZONE", "ENABLED", "NEXT RUN", "LAST OUTCOME", "LAST RUN", "OWNER" }.Select(c => header.IndexOf(c, StringComparison.Ordinal)).ToArray();
        Assert.True(columns.All(c => c > 0) && columns.SequenceEqual(columns.Order()), header);
        var nightly = Assert.Single(lines, l => l.StartsWith("nightly ", StringComparison.Ordinal));
        Assert.Equal("0 30 3 * * *", nightly[columns[0]..columns[1]].Trim());
        Assert.Equal("Europe/Paris", nightly[columns[1]..columns[2]].Trim());
        Assert.Equal("owner-1", nightly[columns[6]..].Trim());
        var tick = Assert.Single(lines, l => l.StartsWith("tick ", StringComparison.Ordinal));
        Assert.Equal("Succeeded", tick[columns[4]..columns[5]].Trim());
        Assert.Contains(lines, l => l.StartsWith("owner: owner-1 since ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tasks_list_names_prints_only_the_ids()
    {
        using var kafka = KafkaTestKit.StartBroker();
        await using var owner = await StartOwnerAsync(kafka.BootstrapServers);

        var lines = await RunCliAsync("tasks", "list", "--names", "-b", kafka.BootstrapServers);

        Assert.Equal(["nightly", "tick"], lines);
    }

    [Fact]
    public async Task Tasks_list_json_gives_camel_case_tasks_with_next_occurrence_in_their_zone_and_no_type_names()
    {
        using var kafka = KafkaTestKit.StartBroker();
        await using var owner = await StartOwnerAsync(kafka.BootstrapServers);

        var json = string.Join('\n', await RunCliAsync("tasks", "list", "--json", "-b", kafka.BootstrapServers));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("owner-1", root.GetProperty("ownerInstance").GetString());
        var nightly = root.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "nightly");
        Assert.Equal("Europe/Paris", nightly.GetProperty("timeZone").GetString());
        var next = nightly.GetProperty("nextOccurrence").GetDateTimeOffset();
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        Assert.Equal(new TimeSpan(3, 30, 0), TimeZoneInfo.ConvertTime(next, paris).TimeOfDay);
        Assert.True(next > DateTimeOffset.UtcNow && next <= DateTimeOffset.UtcNow.AddDays(1));
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasks_list_of_a_reachable_cluster_without_carillon_topics_is_an_empty_list_and_succeeds()
    {
        using var kafka = Carillon.Testing.EmbeddedKafka.Start(brokers: 1);

        var json = string.Join('\n', await RunCliAsync("tasks", "list", "--json", "-b", kafka.BootstrapServers, "--timeout", "60"));

        using var document = JsonDocument.Parse(json);
        Assert.Equal(0, document.RootElement.GetProperty("tasks").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("ownerInstance").ValueKind);
    }

    [Fact]
    public async Task Delayed_stats_of_a_reachable_cluster_without_carillon_topics_shows_no_partitions_and_succeeds()
    {
        using var kafka = Carillon.Testing.EmbeddedKafka.Start(brokers: 1);

        var json = string.Join('\n', await RunCliAsync("delayed", "stats", "--json", "-b", kafka.BootstrapServers, "--timeout", "60"));

        using var document = JsonDocument.Parse(json);
        Assert.Equal(0, document.RootElement.GetProperty("partitions").GetArrayLength());
        Assert.Equal(0, document.RootElement.GetProperty("pending").GetInt64());
    }

    [Fact]
    public async Task Tasks_show_json_gives_the_task_and_its_recent_runs_newest_first()
    {
        using var kafka = KafkaTestKit.StartBroker();
        await using var owner = await StartOwnerAsync(kafka.BootstrapServers, runsOfTick: 3);

        var json = string.Join('\n', await RunCliAsync("tasks", "show", "tick", "--json", "--runs", "2", "-b", kafka.BootstrapServers));

        using var document = JsonDocument.Parse(json);
        Assert.Equal("tick", document.RootElement.GetProperty("task").GetProperty("id").GetString());
        var runs = document.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.True(runs[0].GetProperty("occurrence").GetDateTimeOffset() > runs[1].GetProperty("occurrence").GetDateTimeOffset());
        Assert.Equal("Succeeded", runs[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Tasks_show_of_an_unknown_task_fails_with_exit_code_4()
    {
        using var kafka = KafkaTestKit.StartBroker();
        await using var owner = await StartOwnerAsync(kafka.BootstrapServers);

        var (exitCode, lines) = await RunCliRawAsync(["tasks", "show", "nope", "-b", kafka.BootstrapServers]);

        Assert.Equal(4, exitCode);
        Assert.Contains(lines, l => l.Contains("task 'nope' is not in the stored schedule", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_tail_filters_by_task_and_outcome()
    {
        using var kafka = KafkaTestKit.StartBroker();
        await using var owner = await StartOwnerAsync(kafka.BootstrapServers);
        await owner.Commands.DisableAsync("tick");
        await KafkaTestKit.EventuallyAsync(() => KafkaTestKit.ReadLogs(kafka.BootstrapServers).Any(l => l.Outcome == ScheduledRunOutcome.SkippedDisabled), "a disabled skip");

        var lines = await RunCliAsync("logs", "tail", "--from-beginning", "--task", "tick", "--outcome", "SkippedDisabled", "--max", "1", "-b", kafka.BootstrapServers);

        var record = ScheduleProtocol.ReadExecutionLog(Encoding.UTF8.GetBytes(Assert.Single(lines)));
        Assert.Equal(("tick", ScheduledRunOutcome.SkippedDisabled), (record!.Task, record.Outcome));
    }

    [Fact]
    public async Task Delayed_stats_json_counts_pending_per_partition()
    {
        using var kit = new DelayedTestKit("stats-target");
        using var producer = kit.RawProducer();
        var due = Encoding.ASCII.GetBytes(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var key in new[] { "a", "b" })
        {
            await producer.ProduceAsync(new TopicPartition(DelayedTestKit.DelayedTopic, 2), new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(key),
                Value = "v"u8.ToArray(),
                Headers = new Headers { { DelayedHeaders.TargetTopic, "stats-target"u8.ToArray() }, { DelayedHeaders.DeliverAt, due } },
            });
        }

        var json = string.Join('\n', await RunCliAsync("delayed", "stats", "--json", "-b", kit.Kafka.BootstrapServers));

        using var document = JsonDocument.Parse(json);
        var partitions = document.RootElement.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(6, partitions.Count);
        Assert.Equal(2, partitions[2].GetProperty("pending").GetInt64());
        Assert.Equal(2, document.RootElement.GetProperty("pending").GetInt64());
    }

    [Fact]
    public async Task Delayed_dead_letters_lists_reason_target_and_key_with_control_characters_escaped()
    {
        using var kit = new DelayedTestKit("dlq-target");
        using var host = await kit.StartHostAsync();
        using var producer = kit.RawProducer();
        await producer.ProduceAsync(new TopicPartition(DelayedTestKit.DelayedTopic, 0), new Message<byte[]?, byte[]?>
        {
            Key = "evil\u001b[2J"u8.ToArray(),
            Value = "v"u8.ToArray(),
            Headers = new Headers { { DelayedHeaders.TargetTopic, "dlq-target"u8.ToArray() } },
        });
        await KafkaTestKit.EventuallyAsync(() => kit.ReadFor(DelayedTestKit.DeadLetterTopic, TimeSpan.FromMilliseconds(500)).Count == 1, "the record dead-lettered");

        var lines = await RunCliAsync("delayed", "dead-letters", "-b", kit.Kafka.BootstrapServers);

        Assert.StartsWith("AT", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines.Skip(1));
        Assert.Contains(DeadLetterReasons.MissingDeliverAt, row, StringComparison.Ordinal);
        Assert.Contains("dlq-target", row, StringComparison.Ordinal);
        Assert.Contains("evil\\u001b[2J", row, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', row);
    }

    private static async Task<RecurringNode> StartOwnerAsync(string bootstrapServers, int runsOfTick = 1)
    {
        var runs = new ConcurrentQueue<ObservedRun>();
        var owner = await RecurringNode.StartAsync(bootstrapServers, "owner-1", MonitoredApp.Registry(runs));
        await KafkaTestKit.EventuallyAsync(() => owner.Status.IsOwner && runs.Count(r => r.TaskId == "tick") >= runsOfTick, "the owner running tick");

        // The runs' log records are written after the method returns: wait for them, as an operator would.
        await KafkaTestKit.EventuallyAsync(() => KafkaTestKit.ReadLogs(bootstrapServers).Count(l => l.Task == "tick" && l.Outcome == ScheduledRunOutcome.Succeeded) >= runsOfTick, "tick's runs logged");
        return owner;
    }

    private static async Task<(int ExitCode, IReadOnlyCollection<string> Lines)> RunCliRawAsync(string[] args)
    {
        using var process = ChildProcess.StartDotnet("Carillon.Cli.dll", args);
        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exited, $"carillon {string.Join(' ', args)} did not finish: {string.Join('\n', process.Lines)}");
        return (process.ExitCode, process.Lines);
    }

    private static async Task<List<string>> RunCliAsync(params string[] args)
    {
        var (exitCode, lines) = await RunCliRawAsync(args);
        Assert.True(exitCode == 0, $"carillon {string.Join(' ', args)} exited with {exitCode}: {string.Join('\n', lines)}");
        return [.. lines.Where(l => !l.StartsWith("[err]", StringComparison.Ordinal) && l.Length > 0)];
    }
}
