using System.Diagnostics;
using System.Globalization;
using Carillon.Monitoring;
using Carillon.Protocol;
using Carillon.Recurring.Ownership;
using Carillon.Recurring.State;
using Carillon.Testing;
using Confluent.Kafka;

namespace Carillon.Benchmarks.Monitoring;

/// <summary>
/// Issue 10: how long a schedule monitor takes from creation to a caught-up view on a schedules topic of 100 k
/// records (an owner's claims, outcomes and a snapshot every 200 records, as it writes them), beside an anchor: a
/// plain consumer reading the same records to the end in the same run, on the same broker.
/// </summary>
public sealed class MonitorStartBenchmark : IBenchmark
{
    private const int Records = 100_000;

    // What an owner writes: a takeover, then claim and outcome per occurrence, and a snapshot every 200 records.
    private const int Tasks = 10;
    private const int Repeats = 3;

    public string Name => "monitor-start";

    public string Description => "schedule monitor: creation to caught-up view on a 100 k-record schedules topic, beside a plain consumer";

    public async Task RunAsync(TextWriter output)
    {
        using var kafka = EmbeddedKafka.Start(brokers: 1);
        var options = new CarillonOptions { BootstrapServers = kafka.BootstrapServers, InstanceId = "bench-monitor" };
        foreach (var (name, partitions) in CarillonStandalone.Topics(options))
        {
            kafka.CreateTopic(name, partitions, 1);
        }

        var records = new List<Message<byte[], byte[]>>(Records);
        var written = Fill(kafka.BootstrapServers, options.Recurring.Topic, records);
        var (low, high) = Watermarks(kafka.BootstrapServers, options.Recurring.Topic);
        output.WriteLine($"schedules topic: {written} records written (zstd batches), offsets {low}..{high} retained: {high - low} records ({Tasks} tasks, a snapshot every 200 records); load average {LoadAverage()}");
        for (var i = 1; i <= Repeats; i++)
        {
            var anchor = ReadToEnd(kafka.BootstrapServers, options.Recurring.Topic);
            var monitor = await StartMonitorAsync(options);
            var inProcess = FollowInProcess(records);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {i}: {records.Count} records through the schedule follower and view built in process {inProcess.TotalMilliseconds,7:0.0} ms"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {i}: monitor caught up and view built {monitor.Elapsed.TotalMilliseconds,7:0.0} ms ({monitor.Tasks} tasks; caught up at {monitor.CaughtUp.TotalMilliseconds:0} ms, a second wait {monitor.Again.TotalMilliseconds:0} ms)   anchor: plain consumer to the end {anchor.Elapsed.TotalMilliseconds,7:0.0} ms ({anchor.Count} records)"));
        }
    }

    private static async Task<(TimeSpan Elapsed, TimeSpan CaughtUp, TimeSpan Again, int Tasks)> StartMonitorAsync(CarillonOptions options)
    {
        var watch = Stopwatch.StartNew();
        var monitor = CarillonStandalone.CreateScheduleMonitor(options);
        try
        {
            await monitor.WaitUntilCaughtUpAsync();
            var caughtUp = watch.Elapsed;
            var view = monitor.GetSchedule();
            watch.Stop();

            // A second wait on the caught-up monitor: what discovery and watermarks cost without reading records.
            var again = Stopwatch.StartNew();
            await monitor.WaitUntilCaughtUpAsync();
            return (watch.Elapsed, caughtUp, again.Elapsed, view.Tasks.Count);
        }
        finally
        {
            ((IDisposable)monitor).Dispose();
        }
    }

    private static (TimeSpan Elapsed, int Count) ReadToEnd(string bootstrapServers, string topic)
    {
        var watch = Stopwatch.StartNew();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "bench-anchor-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnablePartitionEof = true,
            FetchWaitMaxMs = 100, // as the monitor: librdkafka's default 500 ms would be measured at the partition's end
        }).Build();
        var partition = new TopicPartition(topic, 0);
        var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High;
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var count = 0;
        while (true)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(10));
            if (result is null || result.IsPartitionEOF && result.Offset.Value >= end.Value)
            {
                break;
            }

            if (!result.IsPartitionEOF)
            {
                count++;
            }
        }

        watch.Stop();
        return (watch.Elapsed, count);
    }

    /// <summary>
    /// The part of start-up that grows with the topic and not with the broker: 100 k records handed to the follower
    /// and the view built, in process.
    /// </summary>
    private static TimeSpan FollowInProcess(List<Message<byte[], byte[]>> records)
    {
        var watch = Stopwatch.StartNew();
        var follower = new Carillon.Monitoring.Following.ScheduleFollower();
        for (var i = 0; i < records.Count; i++)
        {
            follower.Add(i, records[i].Headers, records[i].Value);
        }

        var model = follower.Read();
        _ = model.Definitions.Keys.Select(id => TaskViews.Build(model, id, null, DateTimeOffset.UtcNow)).ToList();
        watch.Stop();
        return watch.Elapsed;
    }

    private static int Fill(string bootstrapServers, string topic, List<Message<byte[], byte[]>> records)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            LingerMs = 20,
            QueueBufferingMaxMessages = 1_000_000,
            BatchNumMessages = 10_000,
            EnableIdempotence = true,

            // The mock broker keeps at most 5 MB per partition (hard-coded in librdkafka's rdkafka_mock.c; no topic
            // config changes it): uncompressed, only the newest ~13 k of these records stayed. zstd batches hold all
            // 100 k, as a real broker does for an owner with Carillon:Kafka:compression.type=zstd (or a topic with
            // compression.type=zstd). Readers decompress them: the monitor and the anchor alike.
            CompressionType = CompressionType.Zstd,
        }).Build();
        var at = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var definitions = Enumerable.Range(0, Tasks)
            .Select(i => new TaskDefinition($"task-{i:00}", "*/5 * * * * *", i % 2 == 0 ? "UTC" : "Europe/Paris", false, null, true, true, "1.0.0"))
            .ToArray();
        var state = new ScheduleState();
        var partition = new TopicPartition(topic, 0);
        var written = 0;
        var failed = 0;
        void Write(StateRecord record)
        {
            var message = StateMessages.State(record);
            records.Add(message);
            producer.Produce(partition, message, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
            });
            written++;
        }

        Write(new TakeoverRecord("term-1", "bench-owner", "1.0.0", at));
        var occurrence = at;
        while (written < Records)
        {
            occurrence = occurrence.AddSeconds(5);
            foreach (var d in definitions)
            {
                if (written >= Records)
                {
                    break;
                }

                var runId = Guid.NewGuid().ToString("N");
                var claim = new ClaimRecord(d.Id, occurrence, runId, "bench-owner", ScheduledRunTrigger.Schedule, null, "1.0.0", "1.0.0");
                var outcome = new OutcomeRecord(d.Id, occurrence, runId, "bench-owner", ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.Succeeded, occurrence, occurrence.AddMilliseconds(12), null, null, "1.0.0", "1.0.0", 1);
                state.Apply(claim);
                state.Apply(outcome);
                Write(claim);
                Write(outcome);
                if (written % 200 < 2)
                {
                    state.AppliedThrough = written - 1;
                    Write(state.ToSnapshot("1.0.0", "bench-owner", occurrence, _ => true) with { Definitions = definitions });
                }
            }
        }

        // Produce is asynchronous: the topic holds the records once every delivery report is in.
        while (producer.Flush(TimeSpan.FromSeconds(10)) > 0)
        {
        }

        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {written} records were not written.");
        }

        return written;
    }

    private static (long Low, long High) Watermarks(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "bench-marks" }).Build();
        var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10));
        return (marks.Low.Value, marks.High.Value);
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
