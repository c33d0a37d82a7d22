using System.Collections.Concurrent;
using System.Text;
using Carillon.Protocol;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Recurring;

/// <summary>
/// Commands written without the runtime's internals are applied by an owner: as raw JSON per docs/wire-format.md
/// (what a tool in another language writes) and with the public <see cref="ScheduleProtocol"/> codec (issue 9 §4).
/// </summary>
public sealed class PublicProtocolCommandTests
{
    [Fact]
    public async Task A_disable_written_as_raw_json_per_the_wire_format_is_applied_by_the_owner()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var registry = RecurringNode.Registry(runs, "1.0.0", "alpha", "beta");
        await using var owner = await RecurringNode.StartAsync(kafka.BootstrapServers, "owner", registry);
        await KafkaTestKit.EventuallyAsync(() => owner.Status.IsOwner && runs.Any(r => r.TaskId == "alpha"), "owner running alpha");

        // Exactly what docs/wire-format.md shows for kcat: plain strings, a lowercase verb, no Carillon type involved.
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).SetLogHandler((_, _) => { }).Build())
        {
            await producer.ProduceAsync(new TopicPartition(new CarillonOptions().SchedulesTopic, 0), new Message<string, string>
            {
                Key = "alpha",
                Value = """{"v":1,"kind":"command","command":"disable","taskId":"alpha","issuer":"another-language","at":"2026-06-01T12:00:00Z"}""",
                Headers = [new Header("carillon-kind", Encoding.UTF8.GetBytes("command"))],
            });
        }

        await KafkaTestKit.EventuallyAsync(() => ReadLogs(kafka.BootstrapServers).Count(l => l.Task == "alpha" && l.Outcome == ScheduledRunOutcome.SkippedDisabled) >= 2, "alpha skipped as disabled");
        var firstSkip = ReadLogs(kafka.BootstrapServers).Where(l => l.Task == "alpha" && l.Outcome == ScheduledRunOutcome.SkippedDisabled).Min(l => l.Occurrence);
        Assert.DoesNotContain(runs, r => r.TaskId == "alpha" && r.Occurrence >= firstSkip);
        await KafkaTestKit.EventuallyAsync(
            () => ReadLogs(kafka.BootstrapServers).Any(l => l.Task == "beta" && l.Outcome == ScheduledRunOutcome.Succeeded && l.Occurrence > firstSkip),
            "beta, not addressed, still running");
    }

    [Fact]
    public async Task A_trigger_written_with_the_public_codec_runs_the_task_once()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var registry = RecurringNode.Registry(runs, "1.0.0", "alpha");
        await using var owner = await RecurringNode.StartAsync(kafka.BootstrapServers, "owner", registry);
        await KafkaTestKit.EventuallyAsync(() => owner.Status.IsOwner && runs.Any(), "owner running");

        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true }).SetLogHandler((_, _) => { }).Build())
        {
            var message = ScheduleProtocol.CreateCommand(ScheduleCommand.Trigger, "alpha", "public-api-test");
            await producer.ProduceAsync(new TopicPartition(new CarillonOptions().SchedulesTopic, 0), message);
        }

        await KafkaTestKit.EventuallyAsync(() => ReadLogs(kafka.BootstrapServers).Any(l => l.Trigger == ScheduledRunTrigger.Manual), "the manual run logged");
        Assert.Single(runs, r => r.Trigger == ScheduledRunTrigger.Manual);
        Assert.Single(ReadLogs(kafka.BootstrapServers), l => l.Trigger == ScheduledRunTrigger.Manual && l.Task == "alpha" && l.Outcome == ScheduledRunOutcome.Succeeded);
    }

    // Through the public reader only, as a dashboard would.
    private static List<ExecutionLogRecord> ReadLogs(string bootstrapServers)
        => [.. KafkaTestKit.ReadAll(bootstrapServers, new CarillonOptions().LogsTopic).Select(r => ScheduleProtocol.ReadExecutionLog(r.Message.Value)).OfType<ExecutionLogRecord>()];
}
