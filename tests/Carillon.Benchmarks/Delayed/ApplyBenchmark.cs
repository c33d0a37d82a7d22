using System.Diagnostics;
using System.Globalization;
using System.Text;
using Carillon.Delayed.Dispatching;
using Confluent.Kafka;

namespace Carillon.Benchmarks.Delayed;

/// <summary>CPU cost of indexing records (parse, pack, heap, key table) without Kafka: the load's own share.</summary>
public sealed class ApplyBenchmark : IBenchmark
{
    public string Name => "delayed-apply";

    public string Description => "Records applied to one partition's index per second (no Kafka)";

    public Task RunAsync(TextWriter output)
    {
        const int count = 1_000_000;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var topic = "bench_target"u8.ToArray();
        var value = new byte[64];
        var records = new (byte[] Key, Headers Headers)[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = (Encoding.UTF8.GetBytes($"schedule-{i}"), new Headers
            {
                { "carillon-target-topic", topic },
                { "carillon-deliver-at", Encoding.ASCII.GetBytes((now + 3_600_000 + i).ToString(CultureInfo.InvariantCulture)) },
            });
        }

        for (var round = 0; round < 3; round++)
        {
            var state = new PartitionState(0, TimeSpan.FromHours(24), null);
            state.BeginLoad(0, count);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                state.Apply(i, now, records[i].Key, value, records[i].Headers, now);
            }

            output.WriteLine($"apply: {count:N0} records in {sw.Elapsed.TotalMilliseconds:F0} ms = {sw.Elapsed.TotalMilliseconds * 1000 / count:F2} µs/record (held {state.Index.Count:N0})");
        }

        {
            var state = new PartitionState(0, TimeSpan.FromHours(24), null);
            state.BeginLoad(0, 200_000);
            for (var i = 0; i < 200_000; i++)
            {
                state.Apply(i, now, records[i].Key, value, records[i].Headers, now);
            }

            var sw3 = Stopwatch.StartNew();
            var batch = state.TakeBatch(long.MaxValue, 200_000)!;
            var took = sw3.Elapsed;
            var builder = new DispatchRecords();
            var partitionAscii = TargetMessages.Ascii(0);
            foreach (var item in batch.Items)
            {
                var target = builder.Target(item, partitionAscii, out var scheduleKey, out var offsetAscii);
                GC.KeepAlive(target);
                GC.KeepAlive(builder.Tombstone(scheduleKey, offsetAscii));
            }

            output.WriteLine($"  take 200k: {took.TotalMilliseconds:F0} ms; build target+tombstone: {(sw3.Elapsed - took).TotalMilliseconds * 1000 / 200_000:F2} µs/msg");
        }

        var sw2 = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            _ = Carillon.Delayed.Envelope.EnvelopeParser.Parse(records[i].Key, value, records[i].Headers);
        }

        output.WriteLine($"  parse only: {sw2.Elapsed.TotalMilliseconds * 1000 / count:F2} µs/record");
        var blobs = new byte[count][];
        sw2.Restart();
        for (var i = 0; i < count; i++)
        {
            blobs[i] = Carillon.Delayed.Index.EntryBlob.Build(records[i].Key, null, records[i].Headers, value);
        }

        output.WriteLine($"  pack only: {sw2.Elapsed.TotalMilliseconds * 1000 / count:F2} µs/record");
        var index = new Carillon.Delayed.Index.ScheduleIndex();
        sw2.Restart();
        for (var i = 0; i < count; i++)
        {
            index.Put(i, now + i, 0, blobs[i]);
        }

        output.WriteLine($"  index only: {sw2.Elapsed.TotalMilliseconds * 1000 / count:F2} µs/record");
        return Task.CompletedTask;
    }
}
