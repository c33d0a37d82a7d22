using Carillon.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Monitoring.Following;

/// <summary>
/// One consumer that reads Carillon's topics from the beginning and keeps following them (issue 10): it assigns
/// partitions itself (no consumer group, nothing committed, so it never moves anyone's offsets or joins the schedule's
/// group), reads committed transactions only, and hands each record to its callback on its own
/// thread. A topic that does not exist yet is looked for again every few seconds.
/// "Caught up" is only ever said after the cluster's metadata was read: a topic absent from an answering cluster is an
/// empty topic, while a cluster that does not answer keeps <see cref="WaitUntilCaughtUpAsync"/> waiting (issue 10).
/// </summary>
internal sealed class TopicFeed : IDisposable
{
    private static readonly TimeSpan s_rediscover = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_queryTimeout = TimeSpan.FromSeconds(10);

    // Short, and retried soon: a metadata request to a cluster that does not answer blocks the loop for its whole
    // timeout, and the loop must stay responsive to Dispose; librdkafka keeps connecting between attempts.
    private static readonly TimeSpan s_metadataTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_retryDiscovery = TimeSpan.FromSeconds(1);

    private readonly KafkaClientFactory _clients;
    private readonly IReadOnlyList<string> _topics;
    private readonly Action<ConsumeResult<byte[]?, byte[]?>> _onRecord;
    private readonly Action<string, int> _onPartition;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<TopicPartition, long> _positions = [];
    private readonly List<Waiter> _waiters = [];
    private readonly TaskCompletionSource<IConsumer<byte[]?, byte[]?>> _built = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private List<TaskCompletionSource> _discoveryWaiters = [];
    private Exception? _failure;

    public TopicFeed(KafkaClientFactory clients, IReadOnlyList<string> topics, Action<string, int> onPartition, Action<ConsumeResult<byte[]?, byte[]?>> onRecord, ILogger logger)
    {
        _clients = clients;
        _topics = topics;
        _onPartition = onPartition;
        _onRecord = onRecord;
        _logger = logger;
        _loop = DedicatedThread.Start("carillon-monitor", Loop);
    }

    /// <summary>
    /// Completes when the topics' partitions have been learned from the cluster after this call and every one of them
    /// has been read up to its high watermark as of then. While the cluster does not answer it waits, until
    /// <paramref name="cancellationToken"/> says stop: "nothing to read" is never concluded from silence.
    /// </summary>
    public async Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken)
    {
        var consumer = await _built.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var discovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException("The schedule monitor has stopped reading.", _failure);
            }

            _discoveryWaiters.Add(discovered);
        }

        await discovered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        TopicPartition[] partitions;
        lock (_gate)
        {
            partitions = [.. _positions.Keys];
        }

        // One round trip per partition, all at once (librdkafka's watermark query is thread-safe).
        var marks = await Task.WhenAll(partitions.Select(tp => Task.Run(() =>
        {
            try
            {
                return (Partition: tp, Marks: consumer.QueryWatermarkOffsets(tp, s_queryTimeout));
            }
            catch (KafkaException e)
            {
                throw new TimeoutException($"Cannot read the high watermark of {tp}: {e.Error.Reason}", e);
            }
        }, cancellationToken))).ConfigureAwait(false);
        var targets = marks.Where(m => m.Marks.High.Value > m.Marks.Low.Value).ToDictionary(m => m.Partition, m => m.Marks.High.Value);

        var waiter = new Waiter(targets);
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException("The schedule monitor has stopped reading.", _failure);
            }

            if (waiter.IsReached(_positions))
            {
                return;
            }

            _waiters.Add(waiter);
        }

        await waiter.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop logged its failure.
        }

        _stop.Dispose();
    }

    private void Loop()
    {
        try
        {
            Follow();
        }
        catch (Exception e) when (e is KafkaException or ArgumentException or InvalidOperationException)
        {
            // A client that cannot even be built (a bad librdkafka property): waiters learn it instead of waiting.
            _logger.MonitorConsumeFailed(e.Message);
            _built.TrySetException(e);
            throw;
        }
    }

    private void Follow()
    {
        var config = _clients.Consumer(c =>
        {
            // librdkafka's consumer needs a group ID, but one that only assigns never joins a group nor commits.
            c.GroupId = "carillon-monitor-" + Guid.NewGuid().ToString("N");
            c.EnableAutoCommit = false;
            c.EnableAutoOffsetStore = false;
            c.IsolationLevel = IsolationLevel.ReadCommitted;
            c.EnablePartitionEof = true;
            c.AutoOffsetReset = AutoOffsetReset.Earliest;
            c.FetchWaitMaxMs = 100;
        });
        using var consumer = _clients.CreateConsumerBuilder<byte[]?, byte[]?>(config).Build();
        // On the consumer's own connections: no second client to bootstrap.
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        _built.TrySetResult(consumer);
        var assigned = new HashSet<TopicPartition>();
        var nextDiscovery = DateTimeOffset.MinValue;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (DateTimeOffset.UtcNow >= nextDiscovery || HasDiscoveryWaiters())
                {
                    // Only the waiters that came before this request are answered by it.
                    var answered = TakeDiscoveryWaiters();
                    if (Discover(admin, consumer, assigned))
                    {
                        answered.ForEach(w => w.TrySetResult());
                        nextDiscovery = DateTimeOffset.UtcNow + s_rediscover;
                    }
                    else
                    {
                        ReturnDiscoveryWaiters(answered);
                        nextDiscovery = DateTimeOffset.UtcNow + s_retryDiscovery;
                    }
                }

                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                }
                catch (ConsumeException e)
                {
                    _logger.MonitorConsumeFailed(e.Error.Reason);
                    continue;
                }

                if (result is null)
                {
                    continue;
                }

                if (!result.IsPartitionEOF)
                {
                    _onRecord(result);
                }

                Advance(result.TopicPartition, result.IsPartitionEOF ? result.Offset.Value : result.Offset.Value + 1);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Stopped(_stop.IsCancellationRequested ? new ObjectDisposedException(nameof(TopicFeed)) : new InvalidOperationException("The schedule monitor's reading loop failed; see its log."));
            consumer.Close();
        }
    }

    private bool HasDiscoveryWaiters()
    {
        lock (_gate)
        {
            return _discoveryWaiters.Count > 0;
        }
    }

    private List<TaskCompletionSource> TakeDiscoveryWaiters()
    {
        lock (_gate)
        {
            var taken = _discoveryWaiters;
            _discoveryWaiters = [];
            return taken;
        }
    }

    private void ReturnDiscoveryWaiters(List<TaskCompletionSource> waiters)
    {
        lock (_gate)
        {
            _discoveryWaiters.AddRange(waiters);
        }
    }

    /// <summary>The loop ended: nobody is left waiting for a discovery or a position that will never come.</summary>
    private void Stopped(Exception reason)
    {
        List<TaskCompletionSource> discoveries;
        List<Waiter> waiters;
        lock (_gate)
        {
            _failure = reason;
            discoveries = TakeDiscoveryWaiters();
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        discoveries.ForEach(w => w.TrySetException(reason));
        waiters.ForEach(w => w.Done.TrySetException(reason));
    }

    /// <summary>Assigns the partitions of the topics that exist; false when the cluster did not answer.</summary>
    private bool Discover(IAdminClient admin, IConsumer<byte[]?, byte[]?> consumer, HashSet<TopicPartition> assigned)
    {
        var added = new List<TopicPartitionOffset>();
        Metadata metadata;
        try
        {
            // One request for every topic: the cluster's metadata (topic names only, no records).
            metadata = admin.GetMetadata(s_metadataTimeout);
        }
        catch (KafkaException e)
        {
            _logger.MonitorMetadataFailed(string.Join(", ", _topics), e.Error.Reason);
            return false;
        }

        foreach (var topic in _topics.Distinct(StringComparer.Ordinal))
        {
            foreach (var t in metadata.Topics.Where(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError))
            {
                foreach (var p in t.Partitions)
                {
                    var tp = new TopicPartition(topic, p.PartitionId);
                    if (assigned.Add(tp))
                    {
                        added.Add(new TopicPartitionOffset(tp, Offset.Beginning));
                        _onPartition(topic, p.PartitionId);
                    }
                }
            }
        }

        if (added.Count > 0)
        {
            lock (_gate)
            {
                foreach (var tpo in added)
                {
                    _positions.TryAdd(tpo.TopicPartition, 0);
                }
            }

            consumer.IncrementalAssign(added);
        }

        return true;
    }

    private void Advance(TopicPartition partition, long position)
    {
        lock (_gate)
        {
            if (!_positions.TryGetValue(partition, out var current) || position > current)
            {
                _positions[partition] = position;
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].IsReached(_positions))
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class Waiter(Dictionary<TopicPartition, long> targets)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsReached(Dictionary<TopicPartition, long> positions)
            => targets.All(t => positions.TryGetValue(t.Key, out var p) && p >= t.Value);
    }
}
