using Carillon.Hosting.Liveness;
using Carillon.Kafka.Transactions;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;

namespace Carillon.Kafka.Ownership;

/// <summary>
/// Partition ownership through a consumer group, shared by the delayed dispatcher (issue 8) and the recurring-messages
/// owner (issue 11): one <c>read_committed</c> consumer per process on a dedicated thread, subscribed to one partitioned
/// topic, whose rebalance handlers hand partitions to the feature (<see cref="Assign"/>, <see cref="Release"/>); each
/// owned partition writes through its own fenced transactional producer (<see cref="CreateFencedProducer"/>), so the
/// next owner's <c>InitTransactions</c> fences this one. Offsets are never auto-committed.
/// <para>
/// A failure of the consumer must not stop the host: the consumer is rebuilt after a pause, its partitions released
/// first, so the group re-assigns them and the next owner reloads them. Only a bug ends the service: the host then stops
/// and says so with exit code 1.
/// </para>
/// </summary>
internal abstract class PartitionOwnershipService(OwnershipServices services, OwnershipSettings settings) : BackgroundService
{
    // Leaving the group needs the coordinator: bounded, within the host's 30 s shutdown.
    private static readonly TimeSpan s_closeBound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_rebuildPause = TimeSpan.FromSeconds(1);

    protected KafkaClientFactory Clients { get; } = services.Clients;

    protected CarillonOptions Options { get; } = services.Options.Value;

    protected TimeProvider Time { get; } = services.Time;

    protected LoopMonitor Monitor { get; } = services.Monitor;

    protected OwnershipSettings Settings { get; } = settings;

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Settings.Enabled)
        {
            return;
        }

        try
        {
            await services.Provisioner.EnsureAsync(stoppingToken).ConfigureAwait(false);
            using var started = OnStarted();
            await DedicatedThread.Start(Settings.ThreadName, () => Run(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Only a bug gets here (Run survives every Kafka failure).
            Settings.Events.Crashed(e);
            Environment.ExitCode = 1;
            throw;
        }
    }

    /// <summary>Called once the topics are provisioned, before the consume thread starts; disposed when it ends.</summary>
    protected virtual IDisposable? OnStarted() => null;

    /// <summary>
    /// The feature's consume loop, on the consume thread, once subscribed: it returns (or throws) when stopping or when
    /// the consumer must be rebuilt. The lease must beat at least every <see cref="OwnershipSettings.StallAfter"/>.
    /// </summary>
    protected abstract void Pump(IConsumer<byte[]?, byte[]?> consumer, LoopLease lease, CancellationToken stoppingToken);

    /// <summary>Rebalance: the partitions this process now owns, and where the consumer starts in each.</summary>
    protected abstract IEnumerable<TopicPartitionOffset> Assign(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions);

    /// <summary>Rebalance, consumer failure or close: stop owning these partitions (bounded; no blocking call unbounded).</summary>
    protected abstract void Release(IEnumerable<TopicPartition> partitions);

    /// <summary>The partitions currently owned.</summary>
    protected abstract IEnumerable<TopicPartition> Owned();

    /// <summary>After the close released every partition: waits (bounded) for what the release left running.</summary>
    protected virtual void AwaitReleased()
    {
    }

    /// <summary>
    /// A transactional producer for one owned partition. Its <c>transactional.id</c> names the group and the partition:
    /// the next owner of the partition fences this one and aborts what it left open. <paramref name="commitCalls"/>: see
    /// <see cref="TransactionalProducer.Create(ProducerBuilder{byte[], byte[]}, TimeSpan, int)"/>.
    /// </summary>
    protected TransactionalProducer CreateFencedProducer(TopicPartition partition, Action<ProducerConfig> configure, TimeSpan callTimeout, int commitCalls = 2)
    {
        var config = Clients.Producer(c =>
        {
            c.EnableIdempotence = true;
            c.TransactionTimeoutMs = 60_000;
            c.ReconnectBackoffMaxMs = 1_000;

            // CommitTransaction flushes by polling the report queue itself in slices of up to 10 ms; a background poll
            // thread that takes the last delivery report first leaves it asleep for the rest of the slice. The owners'
            // producers have no handlers, so their queues only need serving during the commit. Delivery reports stay
            // on: without them the flush waits for the message count in 10 ms steps (figures: docs/benchmarks-delayed.md,
            // "Figures behind code choices").
            c.EnableBackgroundPoll = false;
            configure(c);
        });
        config.TransactionalId = $"{Settings.Group}.{partition.Topic}.{partition.Partition.Value}";

        // No statistics from these producers, whatever Carillon:Kafka says: with no background poll their events are
        // only served during a commit, and an idle partition would pile them up for as long as it waits. The
        // group's consumer reports reachability for the feature.
        config.StatisticsIntervalMs = 0;
        var builder = Clients.CreateProducerBuilder<byte[]?, byte[]?>(config)
            .SetKeySerializer(Serializers.ByteArray!)
            .SetValueSerializer(Serializers.ByteArray!);
        return TransactionalProducer.Create(builder, callTimeout, commitCalls);
    }

    /// <summary>
    /// A consume error is the client reporting what it retries by itself (a failed fetch, a leader moving): logged,
    /// not a reason to rebuild the consumer and stall every partition (issue 8: 9.5 s for one Fetch error).
    /// </summary>
    protected ConsumeResult<byte[]?, byte[]?>? Consume(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout)
    {
        try
        {
            return consumer.Consume(timeout);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            Settings.Events.TransientConsumeError(RecordText.Printable(e.Error.Reason));
            return null;
        }
        catch (ConsumeException e) when (Clients.GroupProtocols.FallBackOnRefusal(Options.GroupProtocol, e.Error))
        {
            throw new GroupProtocolRefusedException(e.Error);
        }
    }

    private void ReleaseAll() => Release([.. Owned()]);

    private void Run(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ConsumeLoop(stoppingToken);
            }
            catch (GroupProtocolRefusedException)
            {
                // Logged once by the choice; the next consumer joins with the classic protocol at once.
                ReleaseAll();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                Settings.Events.ConsumerFailed(e);
                ReleaseAll();
                stoppingToken.WaitHandle.WaitOne(s_rebuildPause);
            }
        }
    }

    private void ConsumeLoop(CancellationToken stoppingToken)
    {
        var consumer = Clients.CreateConsumerBuilder<byte[]?, byte[]?>(Clients.Consumer(c =>
            {
                c.GroupId = Settings.Group;
                c.IsolationLevel = IsolationLevel.ReadCommitted;
                c.EnableAutoCommit = false;
                c.EnableAutoOffsetStore = false;
                c.AutoOffsetReset = AutoOffsetReset.Earliest;
                if (Settings.PartitionEof)
                {
                    c.EnablePartitionEof = true;
                }

                // The mock (and a catching-up consumer on any broker) answers one batch per fetch: wait little.
                c.FetchWaitMaxMs = 10;

                // Classic protocol only: the factory drops these under the consumer protocol, where the broker owns them.
                c.SessionTimeoutMs = (int)Settings.SessionTimeout.TotalMilliseconds;
                c.HeartbeatIntervalMs = Math.Max(100, c.SessionTimeoutMs.Value / 5);
                c.PartitionAssignmentStrategy = Settings.Assignment;

                // librdkafka backs reconnects off up to 10 s by default: after an outage that alone delays the return.
                c.ReconnectBackoffMaxMs = 1_000;
            }, Options.GroupProtocol),
            // Connection errors are summarised by the factory's connectivity tracker; the others reach this handler.
            (_, e) => Settings.Events.ConsumerError(e.Reason))
            .SetKeyDeserializer(Deserializers.ByteArray!)
            .SetValueDeserializer(Deserializers.ByteArray!)
            .SetPartitionsAssignedHandler((c, partitions) => Assign(c, partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .Build();

        using var lease = Monitor.Register(Settings.LeaseName, Settings.StallAfter);
        consumer.Subscribe(Settings.Topic);
        try
        {
            Pump(consumer, lease, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Close(consumer);
        }
    }

    // Close runs the revoke handler and leaves the group; bounded, as leaving needs the coordinator. The consumer is
    // disposed only once nothing can call it any more.
    private void Close(IConsumer<byte[]?, byte[]?> consumer)
    {
        var closed = false;
        try
        {
            closed = BoundedCall.RunOnce(consumer.Close, s_closeBound, consumer.Dispose);
        }
        catch (KafkaException e)
        {
            Settings.Events.ConsumerError(e.Error.Reason);
            closed = true;
        }
        finally
        {
            ReleaseAll();
            AwaitReleased();
            if (closed)
            {
                consumer.Dispose();
            }
        }
    }
}
