using System.Collections.Concurrent;
using Carillon.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// The delayed-topic consumer: one consumer in group <see cref="DelayedMessageOptions.Group"/> per process, reading
/// <c>read_committed</c> on a dedicated thread. On assignment it fences the previous owners (one
/// <see cref="PartitionWorker"/> per partition), notes each partition's high watermark as the load mark and starts
/// from the committed offset; offsets are only ever committed inside dispatch transactions.
/// </summary>
internal sealed class DelayedDispatcher(
    KafkaClientFactory clients,
    TopicProvisioner provisioner,
    TimeProvider time,
    ILogger<DelayedDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan s_brokerTimeout = TimeSpan.FromSeconds(30);
    private readonly DelayedMessageOptions _options = clients.Options.Delayed;
    private readonly ConcurrentDictionary<int, PartitionWorker> _workers = new();
    private readonly ConcurrentQueue<PartitionWorker> _reloads = new();
    private readonly TargetTopicDirectory _targets = new(() => new AdminClientBuilder(clients.Admin()).Build(), time);

    public override void Dispose()
    {
        _targets.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.EnableDispatcher)
        {
            return;
        }

        await provisioner.EnsureAsync(stoppingToken).ConfigureAwait(false);
        using var pending = DelayedMetrics.RegisterPending(() => _workers.Values.Sum(w => w.Pending));

        // Consume blocks: a thread of its own rather than a thread-pool thread.
        await Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .ConfigureAwait(false);
    }

    // A failure of the consumer (broker unreachable during an assignment, …) must not stop the host: the consumer is
    // rebuilt after a pause; its partitions were released, so the group re-assigns and the next owner reloads them.
    private void Run(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ConsumeLoop(stoppingToken);
            }
            catch (Exception e) when (e is KafkaException or AggregateException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                DispatcherLog.ConsumerFailed(logger, e);
                Release([.. _workers.Values.Select(w => w.TopicPartition)]);
                stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
        }
    }

    private void ConsumeLoop(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(clients.Consumer(c =>
            {
                c.GroupId = _options.Group;
                c.IsolationLevel = IsolationLevel.ReadCommitted;
                c.EnableAutoCommit = false;
                c.EnableAutoOffsetStore = false;
                c.AutoOffsetReset = AutoOffsetReset.Earliest;
                c.EnablePartitionEof = true;

                // The mock (and a catching-up consumer on any broker) answers one batch per fetch: wait little.
                c.FetchWaitMaxMs = 10;
                c.SessionTimeoutMs = (int)clients.Options.SessionTimeout.TotalMilliseconds;
                c.HeartbeatIntervalMs = Math.Max(100, c.SessionTimeoutMs.Value / 5);
                c.PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin;
            }))
            .SetKeyDeserializer(Deserializers.ByteArray!)
            .SetValueDeserializer(Deserializers.ByteArray!)
            .SetErrorHandler((_, e) => DispatcherLog.ConsumerError(logger, e.Reason))
            .SetPartitionsAssignedHandler((c, partitions) => Assign(c, partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .Build();

        consumer.Subscribe(_options.Topic);
        var pipeline = new ApplyPipeline();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ProcessReloads(consumer);

                // Block briefly for the first record, then take what is already fetched, up to a batch.
                var batch = new List<ApplyPipeline.Work>();
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is null)
                {
                    ObserveLoadingPositions(consumer, batch);
                }

                while (result is not null)
                {
                    if (_workers.TryGetValue(result.Partition.Value, out var worker))
                    {
                        batch.Add(result.IsPartitionEOF
                            ? new ApplyPipeline.Work(worker, worker.Generation, null, result.Offset.Value)
                            : new ApplyPipeline.Work(worker, worker.Generation, result, 0));
                    }

                    result = batch.Count < 1_000 ? consumer.Consume(TimeSpan.Zero) : null;
                }

                if (batch.Count > 0)
                {
                    pipeline.Post(batch);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            pipeline.Dispose();

            // Close runs the revoke handler: every worker finishes or aborts its transaction before the group is left.
            consumer.Close();
            Release([.. _workers.Values.Select(w => w.TopicPartition)]);
        }
    }

    private IEnumerable<TopicPartitionOffset> Assign(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        var producerConfig = clients.Producer(c =>
        {
            c.EnableIdempotence = true;
            c.Partitioner = Confluent.Kafka.Partitioner.Murmur2Random;
            c.LingerMs = 5;
            c.QueueBufferingMaxMessages = 1_000_000;
            c.TransactionTimeoutMs = 60_000;

            // CommitTransaction flushes by polling the report queue itself in slices of up to 10 ms; a background poll
            // thread that takes the last delivery report first leaves it asleep for the rest of the slice (commit
            // measured 4.6 ms on average with it, 1.9 ms without; lateness p50 8 → 4 ms). The worker's producer has no
            // handlers, so its queue only needs serving during the commit. Delivery reports stay on: without them the
            // flush waits for the message count in 10 ms steps (commit 10.6 ms).
            c.EnableBackgroundPoll = false;
        });

        // Fence first (InitTransactions aborts what a previous owner left open), then read the committed offsets.
        // InitTransactions blocks on the coordinator: threads of their own, so that many partitions fence in parallel
        // without starving the thread pool.
        var created = partitions
            .Select(tp => Task.Factory.StartNew(() => PartitionWorker.Create(tp, new ProducerConfig(new Dictionary<string, string>(producerConfig)), consumer, _options, _targets, time, logger, RequestReload), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        try
        {
            Task.WaitAll(created);
        }
        catch
        {
            foreach (var task in created.Where(t => t.IsCompletedSuccessfully))
            {
                task.Result.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        var committed = consumer.Committed(partitions, s_brokerTimeout);

        // One ListOffsets round trip per partition: in parallel, or a 48-partition assignment waits for 48 in a row.
        var watermarks = created
            .Select(t => Task.Factory.StartNew(() => consumer.QueryWatermarkOffsets(t.Result.TopicPartition, s_brokerTimeout), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        try
        {
            Task.WaitAll(watermarks);
        }
        catch
        {
            foreach (var task in created)
            {
                task.Result.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        var starts = new List<TopicPartitionOffset>();
        for (var i = 0; i < created.Length; i++)
        {
            var worker = created[i].Result;
            var tp = worker.TopicPartition;
            var marks = watermarks[i].Result;
            var offset = committed.FirstOrDefault(c => c.TopicPartition == tp)?.Offset ?? Offset.Unset;

            // No commit yet, or a committed offset that retention removed: start at the oldest retained record.
            var start = offset.Value < marks.Low.Value ? marks.Low.Value : offset.Value;
            _workers[tp.Partition.Value] = worker;
            worker.Start(start, marks.High.Value);
            starts.Add(new TopicPartitionOffset(tp, start));
        }

        return starts;
    }

    private void Release(IEnumerable<TopicPartition> partitions)
    {
        var stopping = new List<Task>();
        foreach (var tp in partitions)
        {
            if (_workers.TryRemove(tp.Partition.Value, out var worker))
            {
                DispatcherLog.Revoked(logger, tp.Partition.Value);
                stopping.Add(worker.DisposeAsync().AsTask());
            }
        }

        Task.WaitAll(stopping);
    }

    private void RequestReload(PartitionWorker worker) => _reloads.Enqueue(worker);

    // Consume thread: a re-scan or a failed transaction re-reads the partition from the last committed offset.
    private void ProcessReloads(IConsumer<byte[]?, byte[]?> consumer)
    {
        while (_reloads.TryDequeue(out var worker))
        {
            if (!_workers.TryGetValue(worker.TopicPartition.Partition.Value, out var current) || current != worker)
            {
                continue;
            }

            worker.Suspend();
            long mark;
            try
            {
                mark = consumer.QueryWatermarkOffsets(worker.TopicPartition, s_brokerTimeout).High.Value;
            }
            catch (KafkaException e)
            {
                // Still suspended; try again on a later pass.
                DispatcherLog.ConsumerError(logger, e.Error.Reason);
                worker.ResumeSuspended();
                _reloads.Enqueue(worker);
                return;
            }

            worker.Resume(mark);
            consumer.Seek(new TopicPartitionOffset(worker.TopicPartition, worker.LastCommitted));
        }
    }

    // Trailing aborted records and transaction markers deliver nothing: the position shows the load passed them.
    private void ObserveLoadingPositions(IConsumer<byte[]?, byte[]?> consumer, List<ApplyPipeline.Work> batch)
    {
        foreach (var worker in _workers.Values)
        {
            if (worker.State.Loading)
            {
                var position = consumer.Position(worker.TopicPartition);
                if (position.Value >= 0)
                {
                    batch.Add(new ApplyPipeline.Work(worker, worker.Generation, null, position.Value));
                }
            }
        }
    }
}
