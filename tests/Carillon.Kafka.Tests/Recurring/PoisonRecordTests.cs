using System.Diagnostics.Metrics;
using System.Text;
using Carillon.Recurring.State;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Recurring;

/// <summary>
/// Issue 8: no record on the schedules topic stops an owner or the cluster. Each test writes its records while an owner
/// runs (met live), then makes the standby take over (met at replay), and checks that the task keeps running on both,
/// that the records were counted and that nothing ran twice.
/// </summary>
public sealed class PoisonRecordTests
{
    private const string At = "\"2026-01-01T00:00:00+00:00\"";

    public static TheoryData<string> Poison() =>
    [
        "null-task-id",
        "empty-task-id",
        "snapshot-null-task",
        "snapshot-null-trigger",
        "wrong-json-types",
        "huge-task-id",
        "odd-verbs",
    ];

    [Theory]
    [MemberData(nameof(Poison))]
    public async Task A_poison_record_is_counted_and_skipped_at_replay_and_live_and_the_task_keeps_running(string kind)
    {
        using var invalid = new InvalidRecordCounter();
        var records = Records(kind);

        // Written before any owner: met by the first owner's replay (where a null task ID used to end every term).
        await using var cluster = await RecurringFaultTests.Cluster.StartAsync(instances: 1, beforeNodes: kafka => ProduceAsync(kafka.BootstrapServers, records));
        await cluster.RunningAsync();
        await KafkaTestKit.EventuallyAsync(() => invalid.Count >= records.Count, "replay counts the records");

        // Written while the owner runs: met live.
        await ProduceAsync(cluster.Kafka.BootstrapServers, records);
        await KafkaTestKit.EventuallyAsync(() => invalid.Count >= 2 * records.Count, "the owner counts the records");
        await cluster.ResumedAfterAsync(DateTimeOffset.UtcNow);

        Assert.True(cluster.Nodes[0].Status.IsOwner);
        Assert.DoesNotContain(KafkaTestKit.ReadLogs(cluster.Kafka.BootstrapServers), l => l.Outcome == ScheduledRunOutcome.SkippedDisabled);
        cluster.AssertNoOccurrenceTwice();
    }

    [Fact]
    public async Task A_forged_claim_in_year_9999_with_schedule_version_99_neither_silences_the_task_nor_makes_instances_yield()
    {
        var year9999 = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero);
        StateRecord[] forged =
        [
            new ClaimRecord("tick", year9999, "forged", "forger", ScheduledRunTrigger.Schedule, null, "99.0.0", "99.0.0"),
            new OutcomeRecord("tick", year9999, "forged", "forger", ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.Succeeded, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, "99.0.0", "99.0.0"),
        ];

        // Met at replay, where they could matter (as after a crash of the owner that read them live).
        await using var cluster = await RecurringFaultTests.Cluster.StartAsync(
            instances: 2,
            beforeNodes: kafka => ProduceAsync(kafka.BootstrapServers, forged.Select(r => (byte[]?)StateRecordCodec.Encode(r)).ToList()));
        await cluster.RunningAsync();
        await cluster.ResumedAfterAsync(DateTimeOffset.UtcNow);

        Assert.All(cluster.Nodes, n => Assert.Null(n.Status.VersionConflict));
        cluster.AssertNoOccurrenceTwice();
    }

    [Fact]
    public async Task A_flood_of_garbage_is_skipped_while_the_task_keeps_running()
    {
        using var invalid = new InvalidRecordCounter();
        await using var cluster = await RecurringFaultTests.Cluster.StartAsync(instances: 1);
        await cluster.RunningAsync();

        // 2,000 bad records written over about five seconds, so that runs are due while they are being skipped.
        var floodStart = DateTimeOffset.UtcNow;
        var garbage = new List<byte[]?>();
        for (var i = 0; i < 2_000; i++)
        {
            garbage.Add((i % 4) switch
            {
                0 => new byte[] { 0xff, 0x00, (byte)i },
                1 => Encoding.UTF8.GetBytes("{\"v\":1,\"kind\":\"command\",\"command\":\"Enable,Disable\",\"taskId\":\"tick\",\"issuer\":\"x\\n\",\"at\":" + At + "}"),
                2 => Encoding.UTF8.GetBytes("{\"v\":1,\"kind\":\"snapshot\",\"scheduleVersion\":\"1.0.0\",\"appliedThrough\":1,\"instance\":\"x\",\"at\":" + At + ",\"tasks\":[null],\"pendingTriggers\":[]}"),
                _ => null,
            });
        }

        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.Kafka.BootstrapServers, LingerMs = 5 }).Build();
        var partition = new TopicPartition(new CarillonOptions().Recurring.Topic, 0);
        foreach (var chunk in garbage.Chunk(100))
        {
            foreach (var value in chunk)
            {
                producer.Produce(partition, new Message<byte[]?, byte[]?> { Value = value });
            }

            producer.Flush(TimeSpan.FromSeconds(10));
            await Task.Delay(250);
        }

        await KafkaTestKit.EventuallyAsync(() => invalid.Count >= 2_000, "every bad record counted");
        var runsDuringFlood = cluster.Runs.Count(r => r.FiredAt >= floodStart);
        await cluster.ResumedAfterAsync(DateTimeOffset.UtcNow);

        // Liveness, not a timing: the task was not starved while the owner skipped the garbage.
        Assert.True(runsDuringFlood >= 2, $"{runsDuringFlood} runs while 2,000 bad records were skipped");
        Assert.True(cluster.Nodes[0].Status.IsOwner);
        cluster.AssertNoOccurrenceTwice();
    }

    private static Task ProduceAsync(RecurringFaultTests.Cluster cluster, IEnumerable<StateRecord> records)
        => ProduceAsync(cluster.Kafka.BootstrapServers, records.Select(r => (byte[]?)StateRecordCodec.Encode(r)).ToList());

    private static async Task ProduceAsync(string bootstrapServers, IReadOnlyList<byte[]?> values)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrapServers, MessageMaxBytes = 2_000_000 }).Build();
        var partition = new TopicPartition(new CarillonOptions().Recurring.Topic, 0);
        foreach (var value in values)
        {
            await producer.ProduceAsync(partition, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes("tick"), Value = value });
        }
    }

    private static List<byte[]?> Records(string kind)
    {
        static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);
        static byte[] Command(string verb, string taskId) => Json("{\"v\":1,\"kind\":\"command\",\"command\":\"" + verb + "\",\"taskId\":" + taskId + ",\"issuer\":null,\"at\":" + At + "}");
        static byte[] Snapshot(string tasks, string triggers) => Json("{\"v\":1,\"kind\":\"snapshot\",\"scheduleVersion\":\"1.0.0\",\"appliedThrough\":0,\"instance\":\"x\",\"at\":" + At + ",\"tasks\":" + tasks + ",\"pendingTriggers\":" + triggers + "}");
        return kind switch
        {
            "null-task-id" => [Command("disable", "null"), Json("{\"v\":1,\"kind\":\"claim\",\"taskId\":null,\"occurrence\":" + At + ",\"runId\":\"r\",\"instance\":\"i\",\"trigger\":\"Schedule\",\"triggerOffset\":null,\"scheduleVersion\":\"1.0.0\",\"taskVersion\":\"1.0.0\"}")],
            "empty-task-id" => [Command("disable", "\"\""), Command("trigger", "\"\"")],
            "snapshot-null-task" => [Snapshot("[null]", "[]")],
            "snapshot-null-trigger" => [Snapshot("[]", "[null]")],
            "wrong-json-types" => [Command("disable", "[\"tick\"]"), Command("disable", "{\"id\":\"tick\"}"), Snapshot("\"tick\"", "{}"), Json("{\"v\":\"1\",\"kind\":\"command\"}"), Json("[1,2,3]")],
            "huge-task-id" => [Command("disable", "\"" + new string('t', 900 * 1024) + "\"")],
            "odd-verbs" => [Command("Enable,Disable", "\"tick\""), Command(" disable ", "\"tick\""), Command("TRIGGER,enable", "\"tick\""), Command("1", "\"tick\"")],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>Counts <c>carillon.recurring.invalid_records</c> across the nodes of this process.</summary>
    private sealed class InvalidRecordCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public InvalidRecordCounter()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Carillon" && instrument.Name == "carillon.recurring.invalid_records")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
