using System.Globalization;
using System.Text;
using Carillon.Kafka.Tests.Support;
using Confluent.Kafka;
using static Carillon.Kafka.Tests.Delayed.DelayedTestKit;

namespace Carillon.Kafka.Tests.Delayed;

public sealed class MultiProcessDispatchTests
{
    private const string Target = "mp_target";
    private const int Count = 3_000;

    [Fact]
    public async Task Two_dispatcher_processes_one_killed_midway_deliver_every_message_exactly_once()
    {
        using var broker = await StandaloneBroker.StartAsync(1, TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(250), $"{Target}:3");
        var environment = new Dictionary<string, string>
        {
            ["Carillon__BootstrapServers"] = broker.BootstrapServers,
            ["Carillon__ProvisionTopics"] = "false",
            ["Carillon__Recurring__Enabled"] = "false",
            ["Carillon__SessionTimeout"] = "00:00:06",
        };
        using var first = ChildProcess.StartDotnet("Carillon.Delayed.TestApp.dll", [], environment);
        using var second = ChildProcess.StartDotnet("Carillon.Delayed.TestApp.dll", [], environment);
        await first.WaitForLineAsync(l => l.StartsWith("started", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await second.WaitForLineAsync(l => l.StartsWith("started", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        // Both own partitions before the schedules are written, so the kill interrupts real work.
        await first.WaitForLineAsync(l => l.Contains("loaded", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await second.WaitForLineAsync(l => l.Contains("loaded", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        // A plain Confluent producer writing the control headers: what any client can do.
        var start = DateTimeOffset.UtcNow.AddSeconds(3);
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Partitioner = Partitioner.Murmur2Random, EnableIdempotence = true, LingerMs = 5 }).Build())
        {
            for (var i = 0; i < Count; i++)
            {
                var due = start.AddMilliseconds(i * 30_000L / Count).ToUnixTimeMilliseconds();
                producer.Produce("carillon_delayed", new Message<byte[]?, byte[]?>
                {
                    Key = Encoding.UTF8.GetBytes($"mp-{i}"),
                    Value = Encoding.UTF8.GetBytes($"payload-{i}"),
                    Headers = new Headers
                    {
                        { "carillon-target-topic", Encoding.UTF8.GetBytes(Target) },
                        { "carillon-deliver-at", Encoding.UTF8.GetBytes(due.ToString(CultureInfo.InvariantCulture)) },
                    },
                });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        // Kill one dispatcher in the middle of the schedule: its partitions move to the other process.
        var midway = start.AddSeconds(12) - DateTimeOffset.UtcNow;
        if (midway > TimeSpan.Zero)
        {
            await Task.Delay(midway);
        }

        var linesBeforeKill = second.Lines.Count;
        first.Kill();

        var received = ReadUntil(broker.BootstrapServers, Target, r => r.Count >= Count, TimeSpan.FromSeconds(120));

        // Anything sent twice would arrive around the same time: keep reading a little.
        received.AddRange(ReadUntil(broker.BootstrapServers, Target, _ => false, TimeSpan.FromSeconds(3)).Skip(received.Count));
        var perKey = received.GroupBy(r => Header(r, "carillon-schedule-key")!).ToDictionary(g => g.Key, g => g.Count());
        var duplicates = perKey.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
        Assert.True(duplicates.Count == 0, $"Sent more than once: {string.Join(", ", duplicates.Take(20))}\n{string.Join('\n', second.Lines.TakeLast(30))}");
        var missing = Enumerable.Range(0, Count).Select(i => $"mp-{i}").Where(k => !perKey.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} never sent, e.g. {string.Join(", ", missing.Take(20))}\n{string.Join('\n', second.Lines.TakeLast(30))}");
        Assert.False(second.HasExited);

        // The survivor took over the killed process's partitions (it re-read them from their committed offsets) and owns
        // every partition: under the classic protocol the rebalance re-assigns all six, under the consumer protocol
        // (the default here, issue 14) only the killed process's three are added to what it kept.
        var assigned = new SortedSet<int>();
        foreach (var line in second.Lines)
        {
            var change = System.Text.RegularExpressions.Regex.Match(line, @"Delayed partition (\d+) (assigned|revoked)");
            if (change.Success)
            {
                var partition = int.Parse(change.Groups[1].Value, CultureInfo.InvariantCulture);
                _ = change.Groups[2].Value == "assigned" ? assigned.Add(partition) : assigned.Remove(partition);
            }
        }

        Assert.Contains(second.Lines.Skip(linesBeforeKill), l => l.Contains("Delayed partition", StringComparison.Ordinal) && l.Contains("assigned", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, 6), assigned);
    }
}
