using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;

namespace Carillon.Benchmarks.Faults;

/// <summary>
/// Reads topics (read_committed, unless told otherwise) from their beginning on a thread of its own for the whole run, and notes when each
/// record became visible. Its reconnect backoff is short so that the reader's own reconnection after an outage adds
/// little to the "time to resume" (the dispatcher keeps its defaults).
/// </summary>
internal sealed class DeliveryReader : IDisposable
{
    private readonly ConcurrentQueue<(string Topic, int Partition, string Id, string? SourcePartition, DateTimeOffset At)> _seen = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public DeliveryReader(string bootstrapServers, params (string Topic, int Partitions)[] topics)
        : this(bootstrapServers, IsolationLevel.ReadCommitted, topics)
    {
    }

    public DeliveryReader(string bootstrapServers, IsolationLevel isolation, params (string Topic, int Partitions)[] topics)
    {
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "fault-reader",
            IsolationLevel = isolation,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
            ReconnectBackoffMs = 50,
            ReconnectBackoffMaxMs = 250,
        }).Build();
        consumer.Assign(topics.SelectMany(t => Enumerable.Range(0, t.Partitions).Select(p => new TopicPartitionOffset(t.Topic, p, Offset.Beginning))));
        _thread = new Thread(() =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } r)
                        {
                            // The dispatcher's trace header: which delayed partition the message came from.
                            var source = r.Message.Headers?.TryGetLastBytes("carillon-source-partition", out var p) == true ? Encoding.UTF8.GetString(p) : null;
                            _seen.Enqueue((r.Topic, r.Partition.Value, r.Message.Value is null ? "<null>" : Encoding.UTF8.GetString(r.Message.Value), source, DateTimeOffset.UtcNow));
                        }
                    }
                    catch (ConsumeException)
                    {
                        // Transport errors while the cluster is down: keep reading.
                    }
                }
            }
            finally
            {
                consumer.Dispose();
            }
        }) { IsBackground = true, Name = "fault-reader" };
        _thread.Start();
    }

    public IReadOnlyList<(string Topic, int Partition, string Id, string? SourcePartition, DateTimeOffset At)> Seen => _seen.ToArray();

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
