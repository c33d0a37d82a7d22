using Carillon.Hosting.Liveness;
using Carillon.Kafka;
using Carillon.Kafka.Transactions;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.RecurringMessages.Firing.Ownership;

/// <summary>
/// The owners of this instance (issue 11): one consumer in group <see cref="RecurringMessagesOptions.Group"/> on a
/// dedicated thread; each assigned partition gets a <see cref="PartitionOwner"/>. One thread reads, applies and fires,
/// so records read are always applied before what is due is taken (the rule that settles races, docs/recurring-messages.md).
/// The rebalance handlers only create and drop owners; fencing (<c>InitTransactions</c>) runs in the loop. A failure of
/// the consumer or a broken producer rebuilds the consumer after a pause (the group reassigns, the next owner reloads).
/// </summary>
internal sealed class RecurringMessagesOwner(
    KafkaClientFactory clients,
    IOptions<CarillonOptions> carillonOptions,
    TopicProvisioner provisioner,
    TimeProvider time,
    LoopMonitor monitor,
    ILogger<RecurringMessagesOwner> logger) : BackgroundService
{
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_maxWait = TimeSpan.FromMilliseconds(100);
    private readonly RecurringMessagesOptions _options = carillonOptions.Value.RecurringMessages;
    private readonly CarillonOptions _carillon = carillonOptions.Value;
    private readonly Dictionary<int, PartitionOwner> _owners = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        try
        {
            await provisioner.EnsureAsync(stoppingToken).ConfigureAwait(false);
            await DedicatedThread.Start("carillon-recurring-messages", () => Run(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            OwnerLog.Crashed(logger, e);
            Environment.ExitCode = 1;
            throw;
        }
    }

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
                OwnerLog.ConsumerFailed(logger, e);
                ReleaseAll();
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
                c.FetchWaitMaxMs = 10;
                c.SessionTimeoutMs = (int)_carillon.SessionTimeout.TotalMilliseconds;
                c.HeartbeatIntervalMs = Math.Max(100, c.SessionTimeoutMs.Value / 5);
                c.PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin;
                c.ReconnectBackoffMaxMs = 1_000;
            }),
            (_, e) => OwnerLog.ConsumerError(logger, e.Reason))
            .SetKeyDeserializer(Deserializers.ByteArray!)
            .SetValueDeserializer(Deserializers.ByteArray!)
            .SetPartitionsAssignedHandler((_, partitions) => Assign(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .SetPartitionsLostHandler((_, partitions) => Release(partitions.Select(p => p.TopicPartition)))
            .Build();

        using var lease = monitor.Register("recurring-messages consumer", TimeSpan.FromSeconds(60));
        consumer.Subscribe(_options.Topic);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                lease.Beat();
                InitPending(consumer);
                var result = Consume(consumer, WaitTime());
                var read = 0;
                while (result is not null)
                {
                    if (!result.IsPartitionEOF && _owners.TryGetValue(result.Partition.Value, out var owner))
                    {
                        owner.Apply(result);
                    }

                    result = ++read < 1_000 ? Consume(consumer, TimeSpan.Zero) : null;
                }

                foreach (var owner in _owners.Values)
                {
                    if (!owner.Loaded && !owner.NeedsInit)
                    {
                        owner.ObservePosition(consumer.Position(owner.TopicPartition).Value);
                    }

                    if (!owner.FireDue())
                    {
                        throw new KafkaException(new Error(ErrorCode.Local_Fatal, $"the transactional producer of partition {owner.TopicPartition.Partition.Value} broke"));
                    }

                    // On a real cluster a newer owner makes the group revoke a fenced partition within a session or
                    // two. Still held after that: the fencer was stale or the broker's error misleading, so this
                    // instance rejoins and reloads (as the delayed dispatcher does).
                    if (owner.Fenced && time.GetUtcNow() - owner.FencedAt > 2 * _carillon.SessionTimeout)
                    {
                        throw new KafkaException(new Error(ErrorCode.Local_Fatal, $"partition {owner.TopicPartition.Partition.Value} stayed fenced without a revoke"));
                    }
                }
            }
        }
        finally
        {
            var closed = false;
            try
            {
                closed = BoundedCall.RunOnce(consumer.Close, TimeSpan.FromSeconds(15), consumer.Dispose);
            }
            catch (KafkaException e)
            {
                OwnerLog.ConsumerError(logger, e.Error.Reason);
                closed = true;
            }
            finally
            {
                ReleaseAll();
                if (closed)
                {
                    consumer.Dispose();
                }
            }
        }
    }

    private TimeSpan WaitTime()
    {
        var now = time.GetUtcNow();
        var wait = s_maxWait;
        foreach (var owner in _owners.Values)
        {
            if (owner.WakeAt is { } at)
            {
                var until = at - now;
                if (until < wait)
                {
                    wait = until;
                }
            }
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private ConsumeResult<byte[]?, byte[]?>? Consume(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout)
    {
        try
        {
            return consumer.Consume(timeout);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            OwnerLog.ConsumerError(logger, RecordText.Printable(e.Error.Reason));
            return null;
        }
    }

    private void InitPending(IConsumer<byte[]?, byte[]?> consumer)
    {
        foreach (var owner in _owners.Values.Where(o => o.NeedsInit))
        {
            owner.TryInit(CreateProducer, tp => consumer.QueryWatermarkOffsets(tp, s_callTimeout));
        }
    }

    private IEnumerable<TopicPartitionOffset> Assign(List<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            _owners.Remove(tp.Partition.Value, out var previous);
            previous?.Dispose();
            _owners[tp.Partition.Value] = new PartitionOwner(tp, _carillon.InstanceId, _options.MisfireThreshold, time, logger);
        }

        // Every owner folds its partition from the beginning: correctness never depends on compaction or committed offsets.
        return partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning));
    }

    private void Release(IEnumerable<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            if (_owners.Remove(tp.Partition.Value, out var owner))
            {
                owner.Dispose();
                OwnerLog.Released(logger, tp.Partition.Value);
            }
        }
    }

    private void ReleaseAll() => Release([.. _owners.Values.Select(o => o.TopicPartition)]);

    private TransactionalProducer CreateProducer(TopicPartition tp)
    {
        var config = clients.Producer(c =>
        {
            c.EnableIdempotence = true;
            c.LingerMs = 1;
            c.TransactionTimeoutMs = 60_000;
            c.ReconnectBackoffMaxMs = 1_000;
            c.EnableBackgroundPoll = false;
        });

        // One transactional.id per partition: the next owner of the partition fences this one (issue 11).
        config.TransactionalId = $"{_options.Group}.{tp.Topic}.{tp.Partition.Value}";
        config.StatisticsIntervalMs = 0;
        var builder = clients.CreateProducerBuilder<byte[]?, byte[]?>(config)
            .SetKeySerializer(Serializers.ByteArray!)
            .SetValueSerializer(Serializers.ByteArray!);
        return TransactionalProducer.Create(builder, s_callTimeout);
    }
}
