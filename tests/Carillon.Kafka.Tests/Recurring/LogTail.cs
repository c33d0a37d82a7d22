using System.Collections.Concurrent;
using Carillon.Protocol;
using Carillon.Recurring.State;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Recurring;

/// <summary>
/// Follows the execution-log topic as committed data (read_committed) from its beginning, in the background: a test sees
/// an outcome as soon as it is durable, without re-reading the topic on every poll.
/// </summary>
internal sealed class LogTail : IDisposable
{
    private readonly ConcurrentQueue<ExecutionLogRecord> _records = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public LogTail(string bootstrapServers)
    {
        var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-tail-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(new CarillonOptions().Recurring.LogsTopic, 0, Offset.Beginning));
        _thread = new Thread(() =>
        {
            using (consumer)
            {
                while (!_stop.IsCancellationRequested)
                {
                    if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { Message: not null } result
                        && StateRecordCodec.DecodeLog(result.Message.Value) is { } record)
                    {
                        _records.Enqueue(record);
                    }
                }
            }
        })
        { IsBackground = true, Name = "log-tail" };
        _thread.Start();
    }

    /// <summary>The committed outcomes read so far, in log order.</summary>
    public IReadOnlyList<ExecutionLogRecord> Records => _records.ToArray();

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
