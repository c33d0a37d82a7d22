using Carillon.Kafka;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
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
    private readonly TaskCompletionSource<IAdminClient> _built = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private List<TaskCompletionSource> _discoveryWaiters = [];
    private Exception? _failure;
    private int _clientUsers;

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
    /// has been read up to its end as of then. While the cluster does not answer it waits, until
    /// <paramref name="cancellationToken"/> says stop: "nothing to read" is never concluded from silence.
    /// </summary>
    public async Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken)
    {
        var admin = await _built.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

        // On the caller's side, not the loop's: the loop may be parked in a consume call for a while.
        var partitions = await ClusterPartitionsAsync(admin, cancellationToken).ConfigureAwait(false);
        TaskCompletionSource? discovered = null;
        lock (_gate)
        {
            if (partitions.Any(p => !_positions.ContainsKey(p)))
            {
                // New partitions: the loop assigns them (its next metadata request is after this one).
                discovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _discoveryWaiters.Add(discovered);
            }
        }

        if (discovered is not null)
        {
            await discovered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            partitions = [.. partitions.Where(_positions.ContainsKey)];
        }

        var targets = await EndOffsetsAsync(admin, partitions, cancellationToken).ConfigureAwait(false);
        var waiter = new Waiter(targets);
        lock (_gate)
        {
            ThrowIfStopped();
            if (waiter.IsReached(_positions))
            {
                return;
            }

            _waiters.Add(waiter);
        }

        await waiter.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The partitions of the followed topics the cluster has, asking again every second until it answers.</summary>
    private async Task<List<TopicPartition>> ClusterPartitionsAsync(IAdminClient admin, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var metadata = await OnClients(() => Task.Run(() => admin.GetMetadata(s_metadataTimeout), CancellationToken.None)).WaitAsync(cancellationToken).ConfigureAwait(false);
                return [.. Partitions(metadata)];
            }
            catch (KafkaException e)
            {
                _logger.MonitorMetadataFailed(string.Join(", ", _topics), e.Error.Reason);
            }

            await Task.Delay(s_retryDiscovery, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Where each non-empty partition ends for a read_committed reader: its last stable offset, all partitions in one
    /// request per broker (a watermark query per partition cost a round trip each).
    /// </summary>
    private async Task<Dictionary<TopicPartition, long>> EndOffsetsAsync(IAdminClient admin, List<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return [];
        }

        try
        {
            var specs = partitions.Select(tp => new TopicPartitionOffsetSpec { TopicPartition = tp, OffsetSpec = OffsetSpec.Latest() }).ToList();
            var ends = await OnClients(() => admin.ListOffsetsAsync(specs, new ListOffsetsOptions { IsolationLevel = IsolationLevel.ReadCommitted, RequestTimeout = s_queryTimeout }))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            return ends.ResultInfos
                .Select(r => r.TopicPartitionOffsetError)
                .Where(r => r.Offset.Value > 0)
                .ToDictionary(r => r.TopicPartition, r => r.Offset.Value);
        }
        catch (KafkaException e)
        {
            throw new TimeoutException($"Cannot read where {string.Join(", ", partitions.Select(p => p.Topic).Distinct())} end: {e.Error.Reason}", e);
        }
    }

    private IEnumerable<TopicPartition> Partitions(Metadata metadata)
        => _topics.Distinct(StringComparer.Ordinal).SelectMany(topic => metadata.Topics
            .Where(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError)
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(topic, p.PartitionId))));

    /// <summary>
    /// Starts a request on the loop's clients for a caller, and keeps them alive until it completes (even when the
    /// caller stopped waiting): the loop frees them only once no request is in flight.
    /// </summary>
    private Task<T> OnClients<T>(Func<Task<T>> start)
    {
        lock (_gate)
        {
            ThrowIfStopped();
            _clientUsers++;
        }

        Task<T> request;
        try
        {
            request = start();
        }
        catch
        {
            Interlocked.Decrement(ref _clientUsers);
            throw;
        }

        _ = request.ContinueWith(_ => Interlocked.Decrement(ref _clientUsers), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return request;
    }

    private void ThrowIfStopped()
    {
        if (_failure is not null)
        {
            throw new InvalidOperationException("The schedule monitor has stopped reading.", _failure);
        }
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
        _built.TrySetResult(admin);
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

            // A caller's metadata or offsets request still in flight ends within its own timeout: let it, before the
            // clients it runs on are freed.
            var waitUntil = DateTime.UtcNow + s_queryTimeout;
            while (Volatile.Read(ref _clientUsers) > 0 && DateTime.UtcNow < waitUntil)
            {
                Thread.Sleep(10);
            }

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

        foreach (var tp in Partitions(metadata))
        {
            if (assigned.Add(tp))
            {
                added.Add(new TopicPartitionOffset(tp, Offset.Beginning));
                _onPartition(tp.Topic, tp.Partition.Value);
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
