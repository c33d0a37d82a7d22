using System.Collections.Concurrent;
using Carillon.Hosting.Liveness;
using Carillon.Kafka;
using Carillon.Kafka.Transactions;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// The delayed-topic consumer: one consumer in group <see cref="DelayedOptions.Group"/> per process, reading
/// <c>read_committed</c> on a dedicated thread. On assignment it starts one <see cref="PartitionWorker"/> per partition
/// and returns at once: each worker fences the previous owners, reads its offsets and asks this thread to seek and load
/// (<see cref="LoadRequest"/>), so that no blocking call runs in a rebalance handler (issue 8). Offsets are only ever
/// committed inside dispatch transactions.
/// </summary>
internal sealed class DelayedDispatcher(
    KafkaClientFactory clients,
    IOptions<CarillonOptions> carillonOptions,
    TopicProvisioner provisioner,
    TimeProvider time,
    LoopMonitor monitor,
    ILogger<DelayedDispatcher> logger) : BackgroundService
{
    // How long a revoke waits for its workers' in-flight transactions: bounded, or a transaction call that ignores its
    // timeout (https://github.com/confluentinc/librdkafka/issues/5456) pins the consumer thread, and with it the group membership (issue 8).
    private static readonly TimeSpan s_releaseBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_closeBound = TimeSpan.FromSeconds(15);
    private readonly DelayedOptions _options = carillonOptions.Value.Delayed;
    private readonly TimeSpan _sessionTimeout = carillonOptions.Value.SessionTimeout;
    private readonly ConcurrentDictionary<int, PartitionWorker> _workers = new();
    private readonly ConcurrentDictionary<int, Task> _stopping = new();
    private readonly ConcurrentQueue<LoadRequest> _loads = new();
    private readonly TargetTopicPolicy _policy = TargetTopicPolicy.For(carillonOptions.Value);
    private readonly TargetTopicDirectory _targets = new(() => clients.CreateAdminClientBuilder().Build(), time);

    public override void Dispose()
    {
        _targets.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        try
        {
            await provisioner.EnsureAsync(stoppingToken).ConfigureAwait(false);
            using var pending = DelayedMetrics.RegisterPending(() => _workers.Values.Sum(w => w.Pending));

            await DedicatedThread.Start("carillon-delayed-consumer", () => Run(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Only a bug gets here (Run survives every Kafka failure): the host stops, and says so with its exit code.
            DispatcherLog.DispatcherCrashed(logger, e);
            Environment.ExitCode = 1;
            throw;
        }
    }

    // A failure of the consumer must not stop the host: the consumer is rebuilt after a pause; its partitions were
    // released, so the group re-assigns them and the next owner reloads them.
    private void Run(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ConsumeLoop(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                DispatcherLog.ConsumerFailed(logger, e);
                Release([.. _workers.Values.Select(w => w.TopicPartition)]);
                stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
        }
    }

    private void ConsumeLoop(CancellationToken stoppingToken)
    {
        var consumer = clients.CreateConsumerBuilder<byte[]?, byte[]?>(clients.Consumer(c =>
            {
                c.GroupId = _options.Group;
                c.IsolationLevel = IsolationLevel.ReadCommitted;
                c.EnableAutoCommit = false;
                c.EnableAutoOffsetStore = false;
                c.AutoOffsetReset = AutoOffsetReset.Earliest;
                c.EnablePartitionEof = true;

                // The mock (and a catching-up consumer on any broker) answers one batch per fetch: wait little.
                c.FetchWaitMaxMs = 10;
                c.SessionTimeoutMs = (int)_sessionTimeout.TotalMilliseconds;
                c.HeartbeatIntervalMs = Math.Max(100, c.SessionTimeoutMs.Value / 5);
                c.PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin;

                // librdkafka backs reconnects off up to 10 s by default: after an outage that alone delays the return.
                c.ReconnectBackoffMaxMs = 1_000;
            }),
            // Connection errors are summarised by the factory's connectivity tracker; the others reach this handler.
            (_, e) => DispatcherLog.ConsumerError(logger, e.Reason))
            .SetKeyDeserializer(Deserializers.ByteArray!)
            .SetValueDeserializer(Deserializers.ByteArray!)
            .SetPartitionsAssignedHandler((c, partitions) => Assign(c, partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .Build();

        using var lease = monitor.Register("delayed consumer", PartitionWorker.MaxWait);
        consumer.Subscribe(_options.Topic);
        var pipeline = new ApplyPipeline();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                lease.Beat();
                ProcessLoads(consumer);

                // Block briefly for the first record, then take what is already fetched, up to a batch.
                var batch = new List<ApplyPipeline.Work>();
                var result = Consume(consumer, TimeSpan.FromMilliseconds(100));
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

                    result = batch.Count < 1_000 ? Consume(consumer, TimeSpan.Zero) : null;
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
            Close(consumer);
        }
    }

    // A consume error is the client reporting what it retries by itself (a failed fetch, a leader moving): logged,
    // not a reason to rebuild the consumer and stall every partition (issue 8: 9.5 s for one Fetch error).
    private ConsumeResult<byte[]?, byte[]?>? Consume(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout)
    {
        try
        {
            return consumer.Consume(timeout);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            DispatcherLog.ConsumeError(logger, RecordText.Printable(e.Error.Reason));
            return null;
        }
    }

    // Close runs the revoke handler (every worker finishes or aborts its transaction, bounded) and leaves the group;
    // bounded too, as leaving needs the coordinator. The consumer is disposed only once no worker can call it.
    private void Close(IConsumer<byte[]?, byte[]?> consumer)
    {
        var closed = false;
        try
        {
            closed = BoundedCall.RunOnce(consumer.Close, s_closeBound, consumer.Dispose);
        }
        catch (KafkaException e)
        {
            DispatcherLog.ConsumerError(logger, e.Error.Reason);
            closed = true;
        }
        finally
        {
            Release([.. _workers.Values.Select(w => w.TopicPartition)]);
            Task.WaitAll([.. _stopping.Values], s_releaseBound); // with the bounded Close: within the host's 30 s shutdown
            if (closed)
            {
                consumer.Dispose();
            }
        }
    }

    private IEnumerable<TopicPartitionOffset> Assign(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        var summary = new AssignmentLoadSummary(partitions.Count, time, logger);
        foreach (var tp in partitions)
        {
            _stopping.TryGetValue(tp.Partition.Value, out var predecessor);
            var worker = new PartitionWorker(tp, () => CreateProducer(tp), consumer, _options, _targets, _policy, _sessionTimeout, time, monitor, logger, _loads.Enqueue, predecessor)
            {
                LoadSummary = summary,
            };
            _workers[tp.Partition.Value] = worker;
            worker.Start();
        }

        // Nothing is read before the worker's load request seeks to where it starts: the end is the cheapest place to wait.
        return partitions.Select(tp => new TopicPartitionOffset(tp, Offset.End));
    }

    private TransactionalProducer CreateProducer(TopicPartition tp)
    {
        var config = clients.Producer(c =>
        {
            c.EnableIdempotence = true;
            c.Partitioner = Confluent.Kafka.Partitioner.Murmur2Random;
            c.LingerMs = 5;
            c.QueueBufferingMaxMessages = 1_000_000;
            c.TransactionTimeoutMs = 60_000;
            c.ReconnectBackoffMaxMs = 1_000;

            // CommitTransaction flushes by polling the report queue itself in slices of up to 10 ms; a background poll
            // thread that takes the last delivery report first leaves it asleep for the rest of the slice. The worker's
            // producer has no handlers, so its queue only needs serving during the commit. Delivery reports stay on:
            // without them the flush waits for the message count in 10 ms steps (figures: docs/benchmarks-delayed.md, "Figures behind code choices").
            c.EnableBackgroundPoll = false;
        });
        config.TransactionalId = $"{_options.Group}.{tp.Topic}.{tp.Partition.Value}";

        // No statistics from these producers, whatever Carillon:Kafka says: with no background poll their events are
        // only served during a commit, and an idle partition would pile them up for as long as it waits. The
        // dispatcher's consumer reports reachability for the feature.
        config.StatisticsIntervalMs = 0;
        var builder = clients.CreateProducerBuilder<byte[]?, byte[]?>(config)
            .SetKeySerializer(Serializers.ByteArray!)
            .SetValueSerializer(Serializers.ByteArray!);
        return TransactionalProducer.Create(builder, PartitionWorker.CallTimeout);
    }

    private void Release(IEnumerable<TopicPartition> partitions)
    {
        var stopping = new List<(int Partition, Task Stopped)>();
        foreach (var tp in partitions)
        {
            var partition = tp.Partition.Value;
            if (_workers.TryRemove(partition, out var worker))
            {
                DispatcherLog.Revoked(logger, partition);
                var stopped = worker.StopAsync();
                _stopping[partition] = stopped;
                _ = stopped.ContinueWith(t => _stopping.TryRemove(new KeyValuePair<int, Task>(partition, t)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                stopping.Add((partition, stopped));
            }
        }

        if (stopping.Count > 0 && !Task.WaitAll([.. stopping.Select(s => s.Stopped)], s_releaseBound))
        {
            foreach (var (partition, stopped) in stopping.Where(s => !s.Stopped.IsCompleted))
            {
                DispatcherLog.ReleaseAbandoned(logger, partition);
            }
        }
    }

    // Consume thread: seek where a worker's load starts (a first load, a re-scan, a reload after a failure).
    private void ProcessLoads(IConsumer<byte[]?, byte[]?> consumer)
    {
        while (_loads.TryDequeue(out var request))
        {
            var worker = request.Worker;
            if (!_workers.TryGetValue(worker.TopicPartition.Partition.Value, out var current) || current != worker || !worker.BeginLoad(request))
            {
                continue;
            }

            try
            {
                consumer.Seek(new TopicPartitionOffset(worker.TopicPartition, request.Start));
            }
            catch (KafkaException e)
            {
                worker.LoadFailed(e.Error.Reason);
            }
        }
    }

    // Trailing aborted records and transaction markers deliver nothing: the position shows the load passed them.
    private void ObserveLoadingPositions(IConsumer<byte[]?, byte[]?> consumer, List<ApplyPipeline.Work> batch)
    {
        foreach (var worker in _workers.Values)
        {
            if (worker.Loading)
            {
                var generation = worker.Generation;
                var position = consumer.Position(worker.TopicPartition);
                if (position.Value >= 0)
                {
                    batch.Add(new ApplyPipeline.Work(worker, generation, null, position.Value));
                }
            }
        }
    }
}
