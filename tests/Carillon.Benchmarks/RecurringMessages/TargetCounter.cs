using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Carillon.Benchmarks.RecurringMessages;

/// <summary>
/// A <c>read_committed</c> consumer counting the records of a target topic on a thread of its own, and keeping for
/// each its receive time, its timestamp (CreateTime: when the producer was handed it) and its
/// <c>carillon-recurring-occurrence</c> header. Caveat (docs/benchmarks-recurring-messages.md): the mock broker serves
/// records of open transactions to <c>read_committed</c> readers, so on it "received" can precede the commit.
/// </summary>
internal sealed class TargetCounter : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Sample> _samples = [];
    private readonly bool _keepSamples;
    private long _count;
    private long _misfires;
    private long _lastReceivedTicks;
    private volatile bool _fetching;
    private long _lastCreateTimeMs;

    public TargetCounter(string bootstrapServers, string topic, int partitions, bool keepSamples)
    {
        _keepSamples = keepSamples;
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "bench-counter-" + topic, // required by the client; assigned, never joined
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        _consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        _thread = new Thread(Run) { IsBackground = true, Name = "bench-counter-" + topic };
        _thread.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>The latest CreateTime read: when the last record was handed to its producer (ms precision).</summary>
    public DateTimeOffset LastCreated => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _lastCreateTimeMs));

    /// <summary>Records whose trigger header says <c>misfire</c> (fired more than the misfire threshold late).</summary>
    public long Misfires => Interlocked.Read(ref _misfires);

    /// <summary>When the latest record arrived (real UTC).</summary>
    public DateTimeOffset LastReceived => new(Interlocked.Read(ref _lastReceivedTicks), TimeSpan.Zero);

    /// <summary>Waits until <paramref name="count"/> records arrived; returns the arrival of the last one, or null on timeout.</summary>
    public async Task<DateTimeOffset?> WaitForAsync(long count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                return null;
            }

            await Task.Delay(5);
        }

        return LastReceived;
    }

    /// <summary>
    /// Waits until the consumer has resolved its start offsets and is fetching, so that a timed phase does not pay for
    /// the counter's own start (connection, offset lookup).
    /// </summary>
    public async Task WaitUntilFetchingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!_fetching && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await Task.Delay(100);
    }

    public List<Sample> Samples()
    {
        lock (_samples)
        {
            return [.. _samples];
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            var result = _consumer.Consume(TimeSpan.FromMilliseconds(50));
            if (!_fetching)
            {
                _fetching = _consumer.Assignment.All(tp => _consumer.Position(tp).Value >= 0);
            }

            if (result is null || result.IsPartitionEOF)
            {
                continue;
            }

            var received = DateTimeOffset.UtcNow;
            if (result.Message.Headers.TryGetLastBytes("carillon-recurring-trigger", out var trigger) && trigger.AsSpan().SequenceEqual("misfire"u8))
            {
                Interlocked.Increment(ref _misfires);
            }

            if (_keepSamples)
            {
                var occurrence = result.Message.Headers.TryGetLastBytes("carillon-recurring-occurrence", out var bytes)
                    ? long.Parse(Encoding.ASCII.GetString(bytes), CultureInfo.InvariantCulture)
                    : -1;
                lock (_samples)
                {
                    _samples.Add(new Sample(received, result.Message.Timestamp.UnixTimestampMs, occurrence));
                }
            }

            Interlocked.Exchange(ref _lastReceivedTicks, received.UtcTicks);
            if (result.Message.Timestamp.UnixTimestampMs > _lastCreateTimeMs)
            {
                Interlocked.Exchange(ref _lastCreateTimeMs, result.Message.Timestamp.UnixTimestampMs);
            }

            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>One received record: when it arrived, its CreateTime and its occurrence (Unix ms).</summary>
    internal readonly record struct Sample(DateTimeOffset Received, long TimestampMs, long OccurrenceMs);
}
