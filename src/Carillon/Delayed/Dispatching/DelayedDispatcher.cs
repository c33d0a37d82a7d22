using System.Collections.Concurrent;
using Carillon.Hosting.Liveness;
using Carillon.Kafka;
using Carillon.Kafka.Ownership;
using Carillon.Kafka.Transactions;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// The delayed-topic consumer: one consumer in group <see cref="DelayedOptions.Group"/> per process, reading
/// <c>read_committed</c> on a dedicated thread (the group membership, its rebuild and close, and the fenced producers
/// are <see cref="PartitionOwnershipService"/>'s, shared with the recurring-messages owner). On assignment it starts one <see cref="PartitionWorker"/> per partition
/// and returns at once: each worker fences the previous owners, reads its offsets and asks this thread to seek and load
/// (<see cref="LoadRequest"/>), so that no blocking call runs in a rebalance handler (issue 8). Offsets are only ever
/// committed inside dispatch transactions.
/// </summary>
internal sealed class DelayedDispatcher(OwnershipServices services, ILogger<DelayedDispatcher> logger)
    : PartitionOwnershipService(services, SettingsOf(services.Options.Value, logger))
{
    // How long a revoke waits for its workers' in-flight transactions: bounded, or a transaction call that ignores its
    // timeout (https://github.com/confluentinc/librdkafka/issues/5456) pins the consumer thread, and with it the group membership (issue 8).
    private static readonly TimeSpan s_releaseBound = TimeSpan.FromSeconds(10);
    private readonly DelayedOptions _options = services.Options.Value.Delayed;
    private readonly TimeSpan _sessionTimeout = services.Options.Value.SessionTimeout;
    private readonly ConcurrentDictionary<int, PartitionWorker> _workers = new();
    private readonly ConcurrentDictionary<int, Task> _stopping = new();
    private readonly ConcurrentQueue<LoadRequest> _loads = new();
    private readonly TargetTopicPolicy _policy = TargetTopicPolicy.For(services.Options.Value);
    private readonly TargetTopicDirectory _targets = new(() => services.Clients.CreateAdminClientBuilder().Build(), services.Time);

    public override void Dispose()
    {
        _targets.Dispose();
        base.Dispose();
    }

    protected override IDisposable? OnStarted() => DelayedMetrics.RegisterPending(() => _workers.Values.Sum(w => w.Pending));

    protected override void Pump(IConsumer<byte[]?, byte[]?> consumer, LoopLease lease, CancellationToken stoppingToken)
    {
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
        finally
        {
            pipeline.Dispose();
        }
    }

    protected override IEnumerable<TopicPartition> Owned() => _workers.Values.Select(w => w.TopicPartition);

    // Close released every worker: wait for their transactions (bounded; with the bounded Close, within the host's 30 s shutdown).
    protected override void AwaitReleased() => Task.WaitAll([.. _stopping.Values], s_releaseBound);

    private static OwnershipSettings SettingsOf(CarillonOptions options, ILogger logger) => new(
        "delayed", options.Delayed.Enabled, options.Delayed.Group, options.Delayed.Topic, options.SessionTimeout, PartitionWorker.MaxWait, DispatcherLog.Ownership(logger), PartitionEof: true);

    protected override IEnumerable<TopicPartitionOffset> Assign(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        var summary = new AssignmentLoadSummary(partitions.Count, Time, logger);
        foreach (var tp in partitions)
        {
            _stopping.TryGetValue(tp.Partition.Value, out var predecessor);
            var worker = new PartitionWorker(tp, () => CreateProducer(tp), consumer, _options, _targets, _policy, _sessionTimeout, Time, Monitor, logger, _loads.Enqueue, predecessor)
            {
                LoadSummary = summary,
            };
            _workers[tp.Partition.Value] = worker;
            worker.Start();
        }

        // Nothing is read before the worker's load request seeks to where it starts: the end is the cheapest place to wait.
        return partitions.Select(tp => new TopicPartitionOffset(tp, Offset.End));
    }

    private TransactionalProducer CreateProducer(TopicPartition tp) => CreateFencedProducer(
        tp,
        ConfigureDispatchProducer,
        PartitionWorker.CallTimeout,
        PartitionWorker.CommitCalls);

    /// <summary>The delayed dispatcher's own settings of its workers' transactional producers (before the user's).</summary>
    internal static void ConfigureDispatchProducer(ProducerConfig c)
    {
        c.Partitioner = Confluent.Kafka.Partitioner.Murmur2Random;

        // Nothing waits on the linger: every write step is followed by a commit, whose flush sends at once whatever is
        // queued. A linger shorter than the write step made part of a partition's records "ready" and sent early; an
        // idempotent producer then holds the rest of that partition back until the response (it caps a partition's
        // in-flight requests by its count of messages in flight, rdkafka_broker.c rd_kafka_toppar_producer_serve), and
        // through the commit's flush its broker thread polled with a zero timeout until then: the spin that cost the
        // 1 KiB dispatch its rate. With 100 ms the write steps of 64 workers at a due instant outlasted it on a busy
        // machine; with 1 s each partition's share of a transaction (at most a KeylessTargets chunk, below batch.size)
        // goes as one request at the commit (issue 14, docs/benchmarks-delayed.md). At 5 ms the broker threads also
        // spun while partitions waited to be added to the transaction ("Figures behind code choices").
        c.LingerMs = 1_000;

        // Keyless targets are placed by KeylessTargets; the sticky window only places them while a topic's partition
        // count is unknown. Unless set, librdkafka makes it twice the linger (2 s), which would pile every keyless
        // target of those seconds onto one partition: its default window instead.
        c.StickyPartitioningLingerMs = 10;
        c.QueueBufferingMaxMessages = 1_000_000;

        // Nothing reads these producers' delivery reports (the commit's flush only needs them served). With the default
        // "all", Confluent.Kafka's report for each message keeps its key and value arrays, which DispatchRecords writes
        // again for the next message; "none" keeps nothing of them. It did not change the bytes allocated (issue 14;
        // docs/benchmarks-delayed.md, "Figures behind code choices").
        c.DeliveryReportFields = "none";
    }

    protected override void Release(IEnumerable<TopicPartition> partitions)
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
