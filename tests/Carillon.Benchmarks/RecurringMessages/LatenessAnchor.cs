using System.Diagnostics;
using Confluent.Kafka;

namespace Carillon.Benchmarks.RecurringMessages;

/// <summary>
/// The lateness floor beside the owners' (issue 11): one plain transactional producer with the owners' producer
/// settings that, on a timer, commits one record per occurrence (every 100 ms), nothing else in the process working.
/// Its lateness is when the record was handed to the producer, and when the commit returned, minus the occurrence:
/// what any owner of the contract pays on this broker and machine before doing anything of its own.
/// </summary>
internal static class LatenessAnchor
{
    private static readonly TimeSpan s_period = TimeSpan.FromMilliseconds(100);

    public static (List<double> Handed, List<double> Committed) Run(string bootstrapServers, string topic, TimeSpan duration)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            TransactionalId = topic + "-anchor",
            EnableIdempotence = true,
            LingerMs = 1,
            TransactionTimeoutMs = 60_000,
            EnableBackgroundPoll = false,
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        var handed = new List<double>();
        var committed = new List<double>();
        using var wake = new ManualResetEventSlim();
        var periodMs = (long)s_period.TotalMilliseconds;
        var next = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / periodMs) + 10) * periodMs; // a second of warm-up
        var end = next + (long)duration.TotalMilliseconds;
        var warmUpEnd = next;
        next -= 1_000;
        while (next < end)
        {
            // A timer as an application would set one: wait the remaining milliseconds, rounded up.
            long remaining;
            while ((remaining = next - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) > 0)
            {
                wake.Wait(TimeSpan.FromMilliseconds(remaining));
            }

            var occurrence = DateTimeOffset.FromUnixTimeMilliseconds(next);
            producer.BeginTransaction();
            var handedAt = DateTimeOffset.UtcNow;
            producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = [1], Value = new byte[64] });
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
            var committedAt = DateTimeOffset.UtcNow;
            if (next >= warmUpEnd)
            {
                handed.Add((handedAt - occurrence).TotalMilliseconds);
                committed.Add((committedAt - occurrence).TotalMilliseconds);
            }

            next += periodMs;
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (next <= now)
            {
                // A commit overran the period: skip to the next occurrence still ahead, as a timer would.
                next = ((now / periodMs) + 1) * periodMs;
            }
        }

        handed.Sort();
        committed.Sort();
        return (handed, committed);
    }
}
