using System.Diagnostics;
using System.Text.Json;
using Carillon.Delayed.Publishing;
using Carillon.RecurringMessages.Definitions;
using Confluent.Kafka;

namespace Carillon.Benchmarks.RecurringMessages;

/// <summary>
/// The floor any owner of this contract pays on librdkafka: the records of every occurrence (the target with the
/// definition's key and value and the four trace headers, and the claim with its kind header, to the schedule's
/// partition) written by plain transactional producers, one per partition, with the owners' producer settings and
/// transaction size; no definitions, no consumer, no planning.
/// </summary>
internal sealed class TransactionalFloor : IDisposable
{
    /// <summary>Same as the owner's <c>MaxFiresPerTransaction</c>.</summary>
    public const int PairsPerTransaction = 5_000;

    private readonly IProducer<byte[]?, byte[]?>[] _producers;
    private readonly string _targetTopic;
    private readonly string _claimsTopic;

    /// <summary>Creates the producers (one per partition) and runs their <c>InitTransactions</c>: not part of any timing.</summary>
    public TransactionalFloor(string bootstrapServers, string prefix, int partitions)
    {
        _targetTopic = prefix + "_target";
        _claimsTopic = prefix + "_recurring";
        _producers = [.. Enumerable.Range(0, partitions).Select(p =>
        {
            var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
            {
                BootstrapServers = bootstrapServers,
                TransactionalId = $"{prefix}-{p}",
                EnableIdempotence = true,
                LingerMs = 1,
                TransactionTimeoutMs = 60_000,
                EnableBackgroundPoll = false,
            }).Build();
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            return producer;
        })];
    }

    /// <summary>
    /// Writes the records of <paramref name="names"/>' occurrence and returns when the last commit returned.
    /// <paramref name="parallel"/>: one thread per producer; otherwise one thread drives the producers in turn, one
    /// transaction each, as the owners' loop does.
    /// </summary>
    public TimeSpan Write(IReadOnlyList<string> names, byte[] value, string instance, DateTimeOffset occurrence, bool parallel)
    {
        var partitions = _producers.Length;
        var byPartition = Enumerable.Range(0, partitions).Select(_ => new List<string>()).ToArray();
        foreach (var name in names)
        {
            byPartition[Murmur2.Partition(RecurringWire.Utf8(name), partitions)].Add(name);
        }

        var occurrenceDigits = RecurringWire.UnixMs(occurrence);
        var instanceBytes = RecurringWire.Utf8(instance);
        var scheduled = RecurringWire.Utf8("scheduled");
        var claimKind = RecurringWire.Utf8(RecurringWire.ClaimKind);

        // Writes up to PairsPerTransaction pairs of partition p from position next[p] in one transaction.
        var next = new int[partitions];
        bool Transaction(int p)
        {
            var producer = _producers[p];
            var list = byPartition[p];
            if (next[p] >= list.Count)
            {
                return false;
            }

            producer.BeginTransaction();
            var end = Math.Min(list.Count, next[p] + PairsPerTransaction);
            for (var i = next[p]; i < end; i++)
            {
                var name = list[i];
                var nameBytes = RecurringWire.Utf8(name);
                producer.Produce(_targetTopic, new Message<byte[]?, byte[]?>
                {
                    Key = RecurringMessagesBenchmark.KeyOf(name),
                    Value = value,
                    Headers = new Headers
                    {
                        { RecurringWire.ScheduleHeader, nameBytes },
                        { RecurringWire.OccurrenceHeader, occurrenceDigits },
                        { RecurringWire.InstanceHeader, instanceBytes },
                        { RecurringWire.TriggerHeader, scheduled },
                    },
                });
                var claim = new ClaimRecord(RecurringWire.Version, occurrence.ToUnixTimeMilliseconds(), null, instance);
                producer.Produce(new TopicPartition(_claimsTopic, p), new Message<byte[]?, byte[]?>
                {
                    Key = nameBytes,
                    Value = JsonSerializer.SerializeToUtf8Bytes(claim, RecurringMessagesJsonContext.Default.ClaimRecord),
                    Headers = new Headers { { RecurringWire.Kind, claimKind } },
                });
            }

            producer.CommitTransaction(TimeSpan.FromMinutes(1));
            next[p] = end;
            return true;
        }

        var watch = Stopwatch.StartNew();
        if (parallel)
        {
            var threads = Enumerable.Range(0, partitions).Select(p => new Thread(() =>
            {
                while (Transaction(p))
                {
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
        }
        else
        {
            var any = true;
            while (any)
            {
                any = false;
                for (var p = 0; p < partitions; p++)
                {
                    any |= Transaction(p);
                }
            }
        }

        return watch.Elapsed;
    }

    public void Dispose()
    {
        foreach (var producer in _producers)
        {
            producer.Dispose();
        }
    }
}
