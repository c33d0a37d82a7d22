using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Carillon.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Benchmarks.Delayed;

/// <summary>
/// Delayed messages on the in-process mock broker: raw produce vs. dispatch of a due backlog, raw consume vs. load of
/// pending records, managed memory per held message, and dispatch lateness. Prints figures; asserts nothing.
/// </summary>
public sealed class DelayedBenchmark : IBenchmark
{
    private const int Backlog = 200_000;
    private const int Pending = 1_000_000;
    private const int LatenessMessages = 20_000;
    private static readonly byte[] s_value = new byte[64];

    public string Name => "delayed";

    public string Description => "Delayed messages: dispatch vs. raw produce, load vs. raw consume, memory, lateness";

    public async Task RunAsync(TextWriter output)
    {
        await DispatchAsync(output);
        await LoadAsync(output);
        await LatenessAsync(output);
    }

    /// <param name="valueBytes">Size of each message's value.</param>
    /// <param name="partitions">Partitions of every topic: enough to keep each under the mock's 5 MB-per-partition cap.</param>
    internal static async Task DispatchAsync(TextWriter output, int valueBytes = 64, int partitions = 24)
    {
        var value = new byte[valueBytes];
        output.WriteLine($"dispatch phase: {Backlog:N0} messages of {valueBytes} B values, {partitions} partitions");
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("carillon_delayed", partitions);
        kafka.CreateTopic("carillon_delayed_dlq", 1);
        kafka.CreateTopic("bench_target", partitions);

        var rawRate = RawProduceRate(kafka, value, partitions);
        output.WriteLine($"raw produce (idempotent): {Backlog:N0} msgs = {rawRate:N0} msg/s");
        var (floor, ours) = await FloorAndDispatchAsync(kafka, value, Backlog, partitions);
        output.WriteLine($"  (same records as a dispatch, target + tombstone, from {partitions} plain transactional producers: {floor.Rate:N0} msg/s = {floor.Rate / rawRate:F2}x raw produce; {floor.Gc})");
        output.WriteLine($"  (GC while dispatching: {ours.Gc})");
        output.WriteLine($"dispatch (transactions, tombstones, offsets): {Backlog:N0} msgs due at once, all sent {ours.Seconds:F2} s after the due time = {ours.Rate:N0} msg/s = {ours.Rate / rawRate:F2}x raw produce, {ours.Rate / floor.Rate:F2}x the same records from plain transactional producers{ours.Warning}");
    }

    /// <summary>
    /// Issue 14: the dispatch of a due backlog against its floor at 64 B, 1 KiB and 16 KiB values, in one run, each
    /// size on a broker of its own. Backlogs and partitions keep every partition under the mock's 5 MB cap.
    /// </summary>
    internal static async Task DispatchSizesAsync(TextWriter output)
    {
        // CARILLON_BENCH_SIZES=1024 (comma-separated) runs only some of the sizes, in this process.
        var only = Environment.GetEnvironmentVariable("CARILLON_BENCH_SIZES")?.Split(',').Select(int.Parse).ToHashSet();
        var sizes = new[] { (64, 200_000, 24), (1024, 200_000, 64), (16 * 1024, 12_800, 64) };
        if (only is null)
        {
            // Each size in a fresh process of its own: run after another size in the same process, the 1 KiB dispatch
            // left part of its backlog undispatched for minutes (3 runs of 3). It did in a fresh process too: a commit
            // slower than its two calls broke the worker's producer, and on the test broker the reload then took the
            // abandoned transaction's tombstones for dispatches (issue 14, docs/benchmarks-delayed.md "The 1 KiB stall").
            var rows = new List<string>();
            foreach (var (valueBytes, _, _) in sizes)
            {
                var child = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };

                // Started as `dotnet Carillon.Benchmarks.dll`, the process is the dotnet host: it needs the assembly again.
                if (!Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("Carillon.Benchmarks", StringComparison.Ordinal))
                {
                    child.ArgumentList.Add(typeof(DelayedBenchmark).Assembly.Location);
                }

                child.ArgumentList.Add("delayed-dispatch-sizes");
                child.Environment["CARILLON_BENCH_SIZES"] = valueBytes.ToString(CultureInfo.InvariantCulture);
                using var process = Process.Start(child)!;
                var text = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                var row = text.Split('\n').First(l => l.Contains(" | floor ", StringComparison.Ordinal));
                output.WriteLine(row);
                rows.Add(row);
            }

            PrintTable(output, rows);
            return;
        }

        // CARILLON_BENCH_BACKLOG_DIVISOR=10 divides every backlog (a quicker run, e.g. to look for a stall quickly).
        var divisor = int.Parse(Environment.GetEnvironmentVariable("CARILLON_BENCH_BACKLOG_DIVISOR") ?? "1", CultureInfo.InvariantCulture);
        foreach (var (valueBytes, fullBacklog, partitions) in sizes.Where(s => only.Contains(s.Item1)))
        {
            var backlog = fullBacklog / divisor;
            using var kafka = EmbeddedKafka.Start();
            kafka.CreateTopic("carillon_delayed", partitions);
            kafka.CreateTopic("carillon_delayed_dlq", 1);
            kafka.CreateTopic("bench_target", partitions);
            var (floor, ours) = await FloorAndDispatchAsync(kafka, new byte[valueBytes], backlog, partitions);

            // The floor again on the same broker once the dispatcher has stopped: the first floor runs on a fresh broker
            // and ours after it, so the two floors bracket ours and show how far the machine moved within the run.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var afterGc = GcMark.Now();
            var after = FloorRate(kafka, "floor_after", new byte[valueBytes], partitions, TraceHeaders, tombstoneHeader: true, backlog);
            var afterGcText = afterGc.Since();
            output.WriteLine($"{Size(valueBytes),6} | {backlog,7:N0} | {partitions,3} | floor {floor.Rate,9:N0} msg/s | ours {ours.Rate,9:N0} msg/s | {ours.Rate / floor.Rate:F2}x | floor after {after,9:N0} msg/s = {ours.Rate / ((floor.Rate + after) / 2):F2}x the floors' mean | floor {floor.Gc} | ours {ours.Gc} | floor after {afterGcText} | {GcMode()}{ours.Warning}");
        }

        static string Size(int bytes) => bytes >= 1024 ? $"{bytes / 1024} KiB" : $"{bytes} B";

        static string GcMode()
            => $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, {System.Runtime.GCSettings.LatencyMode}";

        static void PrintTable(TextWriter output, List<string> rows)
        {
            output.WriteLine("value  | backlog | par | floor (plain transactional producers) | dispatch | ratio | floor again after ours | GC + allocated: floor | ours | floor after | GC mode");
            foreach (var row in rows)
            {
                output.WriteLine(row);
            }
        }
    }

    // The floor (the same records from plain transactional producers), then the dispatcher on the same broker, each
    // with the GC pause time and the bytes allocated (process-wide) while it ran.
    private static async Task<(Phase Floor, Phase Ours)> FloorAndDispatchAsync(EmbeddedKafka kafka, byte[] value, int backlog, int partitions)
    {
        // The floor any dispatcher of this contract pays on librdkafka: the same records (the target with its five trace
        // headers and the tombstone with its one), from plain transactional producers, one per partition on a thread of
        // its own, 1,000 messages per transaction like the dispatcher; no index, no consumer, no offsets.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var floorGc = GcMark.Now();
        var floorRate = FloorRate(kafka, "floor", value, partitions, TraceHeaders, tombstoneHeader: true, backlog);
        var floorGcText = floorGc.Since();

        // Every message becomes due at the same instant, after the partitions are loaded: the backlog is dispatched from
        // that instant, with nothing of the load in the figure.
        // CARILLON_BENCH_LEAD_SECONDS=30 gives the load more time on a loaded machine (the run warns when it ended late).
        var lead = int.Parse(Environment.GetEnvironmentVariable("CARILLON_BENCH_LEAD_SECONDS") ?? "15", CultureInfo.InvariantCulture);
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(lead);
        await ProduceSchedulesAsync(kafka, backlog, "bench_target", _ => dueAt, value);
        if (Environment.GetEnvironmentVariable("CARILLON_BENCH_DEBUG") == "1")
        {
            // What a plain consumer reads of the backlog, before any Carillon code runs on this broker (issue 14).
            foreach (var isolation in new[] { IsolationLevel.ReadCommitted, IsolationLevel.ReadUncommitted })
            {
                Console.Error.WriteLine($"plain {isolation} consumer: {PlainCount(kafka, partitions, isolation)} of {backlog} records");
            }
        }

        using var dispatched = new MetricTotal("carillon.delayed.dispatched");
        var loaded = new LoadedCounter();
        using var host = await StartDispatcherAsync(kafka, loaded);
        await loaded.WaitForAsync(partitions, TimeSpan.FromMinutes(5));
        var loadedBeforeDue = DateTimeOffset.UtcNow < dueAt;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var oursGc = GcMark.Now();
        var oursThreads = ThreadCpu.Now();
        var total = await dispatched.WaitForAsync(backlog, TimeSpan.FromMinutes(5)) - dueAt;
        var oursGcText = oursGc.Since();
        Console.Error.WriteLine($"ours: {backlog / total.TotalSeconds:N0} msg/s, {oursGcText}; {oursThreads.Since()}");
        var incomplete = dispatched.Total < backlog ? $" (WARNING: only {dispatched.Total:N0} dispatched within 5 min)" : "";
        if (dispatched.Total < backlog)
        {
            loaded.PrintUndispatched();
        }

        await host.StopAsync();
        return (new Phase(floorRate, 0, floorGcText, ""),
            new Phase(backlog / total.TotalSeconds, total.TotalSeconds, oursGcText, (loadedBeforeDue ? "" : " (WARNING: the load ended after the due time)") + incomplete));
    }

    // Counts the records of carillon_delayed a plain consumer (assigned from the beginning, EOF events) reads.
    private static string PlainCount(EmbeddedKafka kafka, int partitions, IsolationLevel isolation)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"plain-count-{isolation}",
            IsolationLevel = isolation,
            FetchWaitMaxMs = 10,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset("carillon_delayed", p, Offset.Beginning)));
        var counts = new int[partitions];
        var eof = new long[partitions];
        var ended = 0;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (ended < partitions && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { } r)
            {
                if (!r.IsPartitionEOF)
                {
                    counts[r.Partition.Value]++;
                }
                else if (eof[r.Partition.Value] == 0)
                {
                    eof[r.Partition.Value] = r.Offset.Value;
                    ended++;
                }
            }
        }

        var short_ = Enumerable.Range(0, partitions).Where(p => counts[p] < eof[p]).Select(p => $"p{p} {counts[p]}/{eof[p]}");
        return $"{counts.Sum()} (short: {string.Join(", ", short_)})";
    }

    private readonly record struct Phase(double Rate, double Seconds, string Gc, string Warning);

    // GC pause time, collections and allocated bytes (process-wide) since a mark, and the process's CPU time: on a
    // machine shared with other work the rates move with the load, the CPU a phase took for the same records much less
    // (issue 14).
    internal readonly record struct GcMark(TimeSpan Paused, long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Cpu)
    {
        public static GcMark Now() => new(GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), ProcessCpu());

        public string Since()
            => $"GC {(GC.GetTotalPauseDuration() - Paused).TotalMilliseconds:F0} ms paused, {(GC.GetTotalAllocatedBytes(precise: true) - Allocated) / 1048576.0:N0} MiB allocated, gen0/1/2 {GC.CollectionCount(0) - Gen0}/{GC.CollectionCount(1) - Gen1}/{GC.CollectionCount(2) - Gen2}, CPU {(ProcessCpu() - Cpu).TotalSeconds:F1} s";

        private static TimeSpan ProcessCpu()
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime;
        }
    }

    // Idempotent, header-less, keyed records, after a warm-up (JIT, the client's and the broker's first allocations) so
    // that the baseline is not flattered against a dispatcher that was started and loaded before the timed part.
    private static double RawProduceRate(EmbeddedKafka kafka, byte[] value, int partitions)
    {
        kafka.CreateTopic("raw_warmup", partitions);
        kafka.CreateTopic("raw_target", partitions);
        using var raw = Producer(kafka);
        for (var i = 0; i < Backlog / 10; i++)
        {
            raw.Produce("raw_warmup", new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"key-{i}"), Value = value });
        }

        raw.Flush(TimeSpan.FromMinutes(1));
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Backlog; i++)
        {
            raw.Produce("raw_target", new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"key-{i}"), Value = value });
        }

        raw.Flush(TimeSpan.FromMinutes(1));
        return Backlog / sw.Elapsed.TotalSeconds;
    }

    /// <summary>What the records cost librdkafka by header count: target + tombstone pairs with 0+0, 2+1 and 5+1 headers.</summary>
    internal static Task HeadersAsync(TextWriter output)
    {
        const int partitions = 24;
        var value = new byte[64];
        using var kafka = EmbeddedKafka.Start();
        var rawRate = RawProduceRate(kafka, value, partitions);
        output.WriteLine($"raw produce (idempotent, no headers): {rawRate:N0} msg/s");
        var digits = Encoding.ASCII.GetBytes("1795000000000");
        foreach (var (name, target, tombstone) in new (string, Func<byte[], Headers?>, bool)[]
        {
            ("0+0", _ => null, false),
            ("2+1", key => new Headers { { "carillon-schedule-key", key }, { "carillon-source", digits } }, true),
            ("5+1", TraceHeaders, true),
        })
        {
            var rate = FloorRate(kafka, $"h{name.Replace('+', '_')}", value, partitions, target, tombstone);
            output.WriteLine($"target + tombstone with {name} headers, {partitions} transactional producers: {rate:N0} msg/s = {rate / rawRate:F2}x raw produce");
        }

        return Task.CompletedTask;
    }

    internal static Headers TraceHeaders(byte[] key)
    {
        var digits = Encoding.ASCII.GetBytes("1795000000000");
        return new Headers
        {
            { "carillon-schedule-key", key },
            { "carillon-scheduled-at", digits },
            { "carillon-source-partition", digits[..2] },
            { "carillon-source-offset", digits[..4] },
            { "carillon-original-timestamp", digits },
        };
    }

    // Backlog target + tombstone pairs from one transactional producer per partition, each on a thread of its own.
    private static double FloorRate(EmbeddedKafka kafka, string prefix, byte[] value, int partitions, Func<byte[], Headers?> targetHeaders, bool tombstoneHeader, int backlog = Backlog)
    {
        kafka.CreateTopic($"{prefix}_target", partitions);
        kafka.CreateTopic($"{prefix}_delayed", partitions);
        var producers = Enumerable.Range(0, partitions).Select(p =>
        {
            var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
            {
                BootstrapServers = kafka.BootstrapServers,
                TransactionalId = $"{prefix}-{p}",
                LingerMs = 5,
                EnableBackgroundPoll = false,
                QueueBufferingMaxMessages = 1_000_000,

                // As the dispatcher's producers: nothing reads the delivery reports, so they keep none of the message's
                // fields (issue 14; the floor gets every setting that could make it faster).
                DeliveryReportFields = "none",
            }).Build();
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            return producer;
        }).ToArray();
        var offsetDigits = Encoding.ASCII.GetBytes("1795");
        var floorThreads = ThreadCpu.Now();
        var floorCpu = GcMark.Now();
        var sw = Stopwatch.StartNew();
        var threads = producers.Select((producer, p) => new Thread(() =>
        {
            var inTransaction = 0;
            producer.BeginTransaction();
            for (var i = p; i < backlog; i += partitions)
            {
                var key = Encoding.UTF8.GetBytes($"schedule-{i}");
                producer.Produce($"{prefix}_target", new Message<byte[]?, byte[]?> { Value = value, Headers = targetHeaders(key) });
                producer.Produce(new TopicPartition($"{prefix}_delayed", p), new Message<byte[]?, byte[]?>
                {
                    Key = key,
                    Value = null,
                    Headers = tombstoneHeader ? new Headers { { "carillon-dispatched-offset", offsetDigits } } : null,
                });
                if (++inTransaction == 1_000)
                {
                    producer.CommitTransaction(TimeSpan.FromMinutes(1));
                    producer.BeginTransaction();
                    inTransaction = 0;
                }
            }

            producer.CommitTransaction(TimeSpan.FromMinutes(1));
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        var rate = backlog / sw.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"{prefix}: {rate:N0} msg/s, {floorCpu.Since()}; {floorThreads.Since()}");
        foreach (var producer in producers)
        {
            producer.Dispose();
        }

        return rate;
    }

    internal static async Task LoadAsync(TextWriter output)
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("carillon_delayed", 48);
        kafka.CreateTopic("carillon_delayed_dlq", 1);
        var payload = await ProduceSchedulesAsync(kafka, Pending, "bench_target", _ => DateTimeOffset.UtcNow.AddHours(1));

        var rawAssign = RawConsume(kafka, subscribe: false);
        var rawSubscribe = RawConsume(kafka, subscribe: true);
        output.WriteLine($"raw consume (read_committed, byte[] key/value, headers): {Pending:N0} records in {rawAssign.TotalSeconds:F2} s assigned, {rawSubscribe.TotalSeconds:F2} s subscribed (from the assignment; the dispatcher's consumer settings)");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(true);
        var loaded = new LoadedCounter();
        var pausedBefore = GC.GetTotalPauseDuration();
        var gen2Before = GC.CollectionCount(2);
        var watch = Stopwatch.StartNew();
        using var host = await StartDispatcherAsync(kafka, loaded);
        await loaded.WaitForAsync(48, TimeSpan.FromMinutes(5));
        var loadTime = watch.Elapsed - loaded.FirstAssigned;
        output.WriteLine($"  (GC during the load: {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:F0} ms paused, {GC.CollectionCount(2) - gen2Before} gen2 collections)");
        var after = GC.GetTotalMemory(true);
        output.WriteLine($"load: {Pending:N0} pending records over 48 partitions held in {loadTime.TotalSeconds:F2} s after the assignment (group join and fencing took {loaded.FirstAssigned.TotalSeconds:F2} s) = {loadTime / rawSubscribe:F2}x subscribed raw consume, {loadTime / rawAssign:F2}x assigned");
        var perMessage = (after - before) / (double)Pending;
        output.WriteLine($"memory: {perMessage:F1} B per held message (managed heap growth), payload {payload / (double)Pending:F1} B (value + key + user headers + target topic) -> overhead {perMessage - (payload / (double)Pending):F1} B");
        GC.KeepAlive(host);
        await host.StopAsync();
    }

    internal static async Task LatenessAsync(TextWriter output)
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("carillon_delayed", 6);
        kafka.CreateTopic("carillon_delayed_dlq", 1);
        kafka.CreateTopic("bench_target", 6);
        var loaded = new LoadedCounter();
        using var host = await StartDispatcherAsync(kafka, loaded);
        await loaded.WaitForAsync(6, TimeSpan.FromMinutes(1));
        using var lateness = new MetricSamples("carillon.delayed.lateness");
        var timings = new System.Collections.Concurrent.ConcurrentQueue<Carillon.Delayed.Dispatching.DispatchTiming>();
        Carillon.Delayed.Dispatching.DispatchTimings.Observer = timings.Enqueue;
        var start = DateTimeOffset.UtcNow.AddSeconds(3);
        await ProduceSchedulesAsync(kafka, LatenessMessages, "bench_target", i => start.AddMilliseconds(i / 2.0));
        var lead = start - DateTimeOffset.UtcNow;
        output.WriteLine($"  (the schedules were written {lead.TotalMilliseconds:F0} ms before the first was due{(lead < TimeSpan.FromSeconds(1) ? "; WARNING: a loaded machine, the first ones may be read after their due time" : "")})");
        var gcPause0 = GC.GetTotalPauseDuration();
        var gc0 = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        await lateness.WaitForAsync(LatenessMessages, TimeSpan.FromMinutes(2));
        output.WriteLine($"  (GC during the lateness run: {(GC.GetTotalPauseDuration() - gcPause0).TotalMilliseconds:F0} ms paused; gen0/1/2 collections {GC.CollectionCount(0) - gc0.Item1}/{GC.CollectionCount(1) - gc0.Item2}/{GC.CollectionCount(2) - gc0.Item3})");
        var samples = lateness.Sorted();
        output.WriteLine($"lateness ({LatenessMessages:N0} msgs due over {LatenessMessages / 2000.0:F0} s, 6 partitions): p50 {samples[samples.Length / 2]:F0} ms, p99 {samples[(int)(samples.Length * 0.99)]:F0} ms, max {samples[^1]:F0} ms");
        Carillon.Delayed.Dispatching.DispatchTimings.Observer = null;
        output.WriteLine($"  breakdown: {LatenessBreakdown.Describe(timings)}");
        await host.StopAsync();

        // The anchor (issue 14): the same schedule served by six plain transactional producers that sleep exactly to
        // each due time and write the same records with the same transaction steps (produce, send offsets, commit),
        // with nothing of Carillon: the lateness this broker and machine allow. Printed twice: with the offsets in every
        // transaction (the dispatcher's design before issue 14's lateness work) and once a second (its design since).
        foreach (var offsetsEveryMs in new[] { 0, 1000 })
        {
            var (floor, floorTimings) = LatenessFloor(kafka, offsetsEveryMs);
            var how = offsetsEveryMs == 0 ? "offsets in every transaction" : "offsets once a second";
            output.WriteLine($"lateness floor (the same schedule from 6 plain transactional producers, exact sleeps, target + tombstone per transaction, {how}): p50 {floor[floor.Length / 2]:F1} ms, p99 {floor[(int)(floor.Length * 0.99)]:F1} ms, max {floor[^1]:F1} ms");
            output.WriteLine($"  breakdown: {LatenessBreakdown.Describe(floorTimings)}");
        }
    }

    private static (double[] Samples, List<Carillon.Delayed.Dispatching.DispatchTiming> Timings) LatenessFloor(EmbeddedKafka kafka, int offsetsEveryMs)
    {
        const int partitions = 6;
        var suffix = offsetsEveryMs.ToString(CultureInfo.InvariantCulture);
        kafka.CreateTopic($"floor_lateness_target_{suffix}", partitions);
        kafka.CreateTopic($"floor_lateness_source_{suffix}", partitions);
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = $"floor-lateness-{suffix}" }).Build();
        consumer.Subscribe($"floor_lateness_source_{suffix}");
        consumer.Consume(TimeSpan.FromSeconds(5));
        var group = consumer.ConsumerGroupMetadata;
        var start = DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeMilliseconds();
        var samples = new List<double>[partitions];
        var timings = new List<Carillon.Delayed.Dispatching.DispatchTiming>[partitions];
        var threads = Enumerable.Range(0, partitions).Select(p => new Thread(() =>
        {
            var latenesses = samples[p] = [];
            var steps = timings[p] = [];
            var slept = false;
            var offsetsSentAt = double.MinValue;
            using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
            {
                BootstrapServers = kafka.BootstrapServers,
                TransactionalId = $"floor-lateness-{suffix}-{p}",
                LingerMs = 5,
                EnableBackgroundPoll = false,
            }).Build();
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            var value = new byte[64];
            var offsetDigits = Encoding.ASCII.GetBytes("1795");
            var next = p;
            var due = new List<double>();
            while (next < LatenessMessages)
            {
                var nowMs = PreciseNowMs();
                var nextDue = start + (next / 2.0);
                if (nextDue > nowMs)
                {
                    slept = true;
                    Thread.Sleep(TimeSpan.FromMilliseconds(nextDue - nowMs));
                    continue;
                }

                due.Clear();
                producer.BeginTransaction();
                while (next < LatenessMessages && start + (next / 2.0) <= nowMs)
                {
                    var key = Encoding.UTF8.GetBytes($"schedule-{next}");
                    producer.Produce($"floor_lateness_target_{suffix}", new Message<byte[]?, byte[]?> { Value = value, Headers = TraceHeaders(key) });
                    producer.Produce(new TopicPartition($"floor_lateness_source_{suffix}", p), new Message<byte[]?, byte[]?> { Key = key, Headers = new Headers { { "carillon-dispatched-offset", offsetDigits } } });
                    due.Add(start + (next / 2.0));
                    next += partitions;
                }

                var writtenMs = PreciseNowMs();
                var offsetsSentMs = double.NaN;
                if (nowMs - offsetsSentAt >= offsetsEveryMs)
                {
                    producer.SendOffsetsToTransaction([new TopicPartitionOffset($"floor_lateness_source_{suffix}", p, next)], group, TimeSpan.FromSeconds(30));
                    offsetsSentMs = PreciseNowMs();
                    offsetsSentAt = nowMs;
                }

                producer.CommitTransaction(TimeSpan.FromSeconds(30));
                var committedMs = PreciseNowMs();
                foreach (var d in due)
                {
                    latenesses.Add(committedMs - d);
                }

                steps.Add(new(due[0], due.Count, slept, nowMs, writtenMs, offsetsSentMs, committedMs));
                slept = false;
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        consumer.Close();
        return ([.. samples.SelectMany(s => s).Order()], [.. timings.SelectMany(t => t)]);

        static double PreciseNowMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
    }

    // The baseline for the load: the same records read by a plain consumer, either assigned directly or subscribed
    // with the dispatcher's consumer settings (group, EOF events, 10 ms fetch wait) and timed from the assignment.
    private static TimeSpan RawConsume(EmbeddedKafka kafka, bool subscribe)
    {
        var assignedAt = TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = subscribe ? "raw-subscribed" : "raw-assigned",
            IsolationLevel = IsolationLevel.ReadCommitted,
            FetchWaitMaxMs = 10,
            EnableAutoCommit = false,
            EnablePartitionEof = subscribe,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin,
        })
            .SetPartitionsAssignedHandler((_, _) => { assignedAt = watch.Elapsed; })
            .Build();
        if (subscribe)
        {
            consumer.Subscribe("carillon_delayed");
        }
        else
        {
            consumer.Assign(Enumerable.Range(0, 48).Select(p => new TopicPartitionOffset("carillon_delayed", p, Offset.Beginning)));
        }

        var n = 0;
        while (n < Pending)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(10)) is { IsPartitionEOF: false })
            {
                n++;
            }
        }

        var elapsed = watch.Elapsed - assignedAt;
        consumer.Close();
        return elapsed;
    }

    private static IProducer<byte[]?, byte[]?> Producer(EmbeddedKafka kafka)
        => new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            EnableIdempotence = true,
            Partitioner = Partitioner.Murmur2Random,
            LingerMs = 5,
            QueueBufferingMaxMessages = 2_000_000,
        }).Build();

    // Returns the payload bytes a held message must keep (value, schedule key, target topic name).
    private static Task<long> ProduceSchedulesAsync(EmbeddedKafka kafka, int count, string target, Func<int, DateTimeOffset> due, byte[]? value = null)
    {
        value ??= s_value;
        using var producer = Producer(kafka);
        var topic = Encoding.UTF8.GetBytes(target);
        long payload = 0;
        for (var i = 0; i < count; i++)
        {
            var key = Encoding.UTF8.GetBytes($"schedule-{i}");
            payload += key.Length + value.Length + topic.Length;
            producer.Produce("carillon_delayed", new Message<byte[]?, byte[]?>
            {
                Key = key,
                Value = value,
                Headers = new Headers
                {
                    { "carillon-target-topic", topic },
                    { "carillon-deliver-at", Encoding.ASCII.GetBytes(due(i).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)) },
                },
            });
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        return Task.FromResult(payload);
    }

    private static async Task<IHost> StartDispatcherAsync(EmbeddedKafka kafka, LoadedCounter? loaded = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (loaded is not null)
        {
            builder.Logging.AddProvider(loaded);
            builder.Logging.SetMinimumLevel(LogLevel.Debug); // the per-partition assigned/loaded events are Debug (issue 9 §5)
        }

        builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", []), o =>
        {
            o.BootstrapServers = kafka.BootstrapServers;
            o.ProvisionTopics = false;
            o.Recurring.Enabled = false;
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Counts "partition loaded" log events of the dispatcher.</summary>
    private sealed class LoadedCounter : ILoggerProvider, ILogger
    {
        // CARILLON_BENCH_WARNINGS=1 prints the dispatcher's warnings and errors to stderr.
        private static readonly bool s_printWarnings = Environment.GetEnvironmentVariable("CARILLON_BENCH_WARNINGS") == "1";

        // CARILLON_BENCH_DEBUG=1 prints every dispatcher event but the per-commit one to stderr.
        private static readonly bool s_printDebug = Environment.GetEnvironmentVariable("CARILLON_BENCH_DEBUG") == "1";
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private int _loaded;

        public TimeSpan FirstAssigned { get; private set; }

        public TimeSpan FirstLoaded { get; private set; }

        public TimeSpan Elapsed => _watch.Elapsed;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        // Per partition: held when loaded, dispatched since (events 101 and 108), to find what a stalled run left behind.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, (long Held, long Dispatched, int Loads)> _partitions = new();

        public void PrintUndispatched()
        {
            foreach (var (partition, (held, dispatched, loads)) in _partitions.OrderBy(p => p.Key))
            {
                if (held > dispatched)
                {
                    Console.Error.WriteLine($"partition {partition}: {held} held when loaded ({loads} loads), {dispatched} dispatched");
                }
            }
        }

        private static long Field<TState>(TState state, string name)
            => state is IReadOnlyList<KeyValuePair<string, object?>> fields && fields.FirstOrDefault(f => f.Key == name).Value is { } v
                ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : -1;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (s_printDebug && eventId.Id != 108)
            {
                Console.Error.WriteLine($"{_watch.Elapsed.TotalSeconds:F1}s {logLevel} {eventId.Id}: {formatter(state, exception)}");
            }

            if (eventId.Id == 101)
            {
                var held = Field(state, "Held");
                _partitions.AddOrUpdate((int)Field(state, "Partition"), _ => (held, 0, 1), (_, p) => (held + p.Dispatched, p.Dispatched, p.Loads + 1));
            }

            if (eventId.Id == 108)
            {
                var count = Field(state, "Count");
                _partitions.AddOrUpdate((int)Field(state, "Partition"), _ => (0, count, 0), (_, p) => (p.Held, p.Dispatched + count, p.Loads));
            }

            if (logLevel >= LogLevel.Warning && s_printWarnings)
            {
                Console.Error.WriteLine($"{_watch.Elapsed.TotalSeconds:F1}s {logLevel}: {formatter(state, exception)}");
            }

            if (eventId.Id == 100 && FirstAssigned == TimeSpan.Zero)
            {
                FirstAssigned = _watch.Elapsed;
            }

            if (eventId.Id == 101)
            {
                if (FirstLoaded == TimeSpan.Zero)
                {
                    FirstLoaded = _watch.Elapsed;
                }

                Interlocked.Increment(ref _loaded);
            }
        }

        public async Task WaitForAsync(int partitions, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Volatile.Read(ref _loaded) < partitions && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
        }

        public void Dispose()
        {
        }
    }

    // Sums a Carillon counter. The wait for a total is told by the measurement callback itself, with the instant it
    // was reached: polling every few milliseconds kept thread-pool threads spinning and woke a timer thread through
    // the timed phase, CPU the floor (timed by joining its threads) did not pay, and added up to a poll's delay to
    // the end time (issue 14).
    private sealed class MetricTotal : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly TaskCompletionSource<DateTimeOffset> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _total;
        private long _target = long.MaxValue;

        public MetricTotal(string instrument)
        {
            _listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == "Carillon" && i.Name == instrument) { l.EnableMeasurementEvents(i); } };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
            {
                if (Interlocked.Add(ref _total, value) >= Volatile.Read(ref _target))
                {
                    _reached.TrySetResult(DateTimeOffset.UtcNow);
                }
            });
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        /// <summary>When the total reached <paramref name="total"/>; now if it did not within <paramref name="timeout"/>.</summary>
        public async Task<DateTimeOffset> WaitForAsync(long total, TimeSpan timeout)
        {
            Volatile.Write(ref _target, total);
            if (Total >= total)
            {
                _reached.TrySetResult(DateTimeOffset.UtcNow);
            }

            return await Task.WhenAny(_reached.Task, Task.Delay(timeout)) == _reached.Task ? await _reached.Task : DateTimeOffset.UtcNow;
        }

        public void Dispose() => _listener.Dispose();
    }

    private sealed class MetricSamples : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<double> _samples = [];

        public MetricSamples(string instrument)
        {
            _listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == "Carillon" && i.Name == instrument) { l.EnableMeasurementEvents(i); } };
            _listener.SetMeasurementEventCallback<double>((_, value, _, _) => { lock (_samples) { _samples.Add(value); } });
            _listener.Start();
        }

        public async Task WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (_samples)
                {
                    if (_samples.Count >= count)
                    {
                        return;
                    }
                }

                await Task.Delay(20);
            }
        }

        public double[] Sorted()
        {
            lock (_samples)
            {
                return [.. _samples.Order()];
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
