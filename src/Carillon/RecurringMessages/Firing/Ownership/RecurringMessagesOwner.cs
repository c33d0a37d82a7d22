using Carillon.Hosting.Liveness;
using Carillon.Kafka;
using Carillon.Kafka.Ownership;
using Carillon.Kafka.Transactions;
using Carillon.RecurringMessages.Health;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.RecurringMessages.Firing.Ownership;

/// <summary>
/// The owners of this instance (issue 11): one consumer in group <see cref="RecurringMessagesOptions.Group"/> on a
/// dedicated thread (the group membership, its rebuild and close, and the fenced producers are
/// <see cref="PartitionOwnershipService"/>'s, shared with the delayed dispatcher); each assigned partition gets a <see cref="PartitionOwner"/>. One thread reads, applies and fires,
/// so records read are always applied before what is due is taken (the rule that settles races, docs/recurring-messages.md);
/// only a burst's records are written on the partitions' producer threads, and this thread reads nothing until it has collected their commits.
/// The rebalance handlers only create and drop owners; fencing (<c>InitTransactions</c>) runs in the loop. A failure of
/// the consumer or a broken producer rebuilds the consumer after a pause (the group reassigns, the next owner reloads).
/// </summary>
internal sealed class RecurringMessagesOwner(OwnershipServices services, RecurringMessagesStatus status, ILogger<RecurringMessagesOwner> logger)
    : PartitionOwnershipService(services, SettingsOf(services, status, logger))
{
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_maxWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_spinBefore = TimeSpan.FromMilliseconds(0.2);
    private readonly RecurringMessagesOptions _options = services.Options.Value.RecurringMessages;
    private readonly CarillonOptions _carillon = services.Options.Value;
    private readonly Dictionary<int, PartitionOwner> _owners = [];
    private readonly TargetTopicDirectory _targets = new(() => services.Clients.CreateAdminClientBuilder().Build(), services.Time);

    public override void Dispose()
    {
        _targets.Dispose();
        base.Dispose();
    }

    protected override IDisposable? OnStarted()
    {
        status.Started();
        return RecurringMessagesMetrics.Register(status);
    }

    protected override void Pump(IConsumer<byte[]?, byte[]?> consumer, LoopLease lease, CancellationToken stoppingToken)
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

            // Every due partition's records are produced before any commit is handed off, then every commit is
            // handed off before any is waited for (issue 11, docs/benchmarks-recurring-messages.md): a commit in flight
            // no longer competes for the CPU with the next partition's records, and the last partition's commit no
            // longer waits for every other's. Still one transaction per partition at a time, and the book is only
            // touched on this thread, between reads: the race rule (docs/recurring-messages.md) holds.
            foreach (var owner in _owners.Values)
            {
                if (!owner.Loaded && !owner.NeedsInit)
                {
                    owner.ObservePosition(consumer.Position(owner.TopicPartition).Value);
                }

                owner.Fire();
            }

            foreach (var owner in _owners.Values)
            {
                owner.StartCommit();
            }

            // Every outcome is collected before a broken producer rebuilds the consumer: no commit is left in flight.
            PartitionOwner? broken = null;
            foreach (var owner in _owners.Values)
            {
                if (!owner.FinishFire())
                {
                    broken ??= owner;
                }
            }

            if (broken is not null)
            {
                throw new KafkaException(new Error(ErrorCode.Local_Fatal, $"the transactional producer of partition {broken.TopicPartition.Partition.Value} broke"));
            }

            foreach (var owner in _owners.Values)
            {
                // On a real cluster a newer owner makes the group revoke a fenced partition within a session or
                // two. Still held after that: the fencer was stale or the broker's error misleading, so this
                // instance rejoins and reloads (as the delayed dispatcher does).
                if (owner.Fenced && Time.GetUtcNow() - owner.FencedAt > 2 * _carillon.SessionTimeout)
                {
                    throw new KafkaException(new Error(ErrorCode.Local_Fatal, $"partition {owner.TopicPartition.Partition.Value} stayed fenced without a revoke"));
                }

                // A removed schedule no longer counts as one that cannot fire.
                if (status.AnyCannotFire)
                {
                    status.Forget(owner.TopicPartition.Partition.Value, name => owner.Book.TryGet(name, out _));
                }
            }

            status.Counts(_owners.Count, _owners.Values.Sum(o => o.Book.Count));
        }
    }

    protected override IEnumerable<TopicPartitionOffset> Assign(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            _owners.Remove(tp.Partition.Value, out var previous);
            previous?.Dispose();
            _owners[tp.Partition.Value] = new PartitionOwner(tp, _carillon.InstanceId, _options.MisfireThreshold, Time, logger)
            {
                Targets = _targets,
                DeadLetterTopic = _options.DeadLetterTopic,
                Status = status,
            };
        }

        // Every owner folds its partition from the beginning: correctness never depends on compaction or committed offsets.
        return partitions.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning));
    }

    protected override void Release(IEnumerable<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            if (_owners.Remove(tp.Partition.Value, out var owner))
            {
                owner.Dispose();
                status.Forget(tp.Partition.Value);
                OwnerLog.Released(logger, tp.Partition.Value);
            }
        }
    }

    protected override IEnumerable<TopicPartition> Owned() => _owners.Values.Select(o => o.TopicPartition);

    private static OwnershipSettings SettingsOf(OwnershipServices services, RecurringMessagesStatus status, ILogger logger)
    {
        var options = services.Options.Value;
        var o = options.RecurringMessages;
        var log = OwnerLog.Ownership(logger);

        // The health check reports what the log says: a failed consumer loop, a crash (issue 11).
        var events = log with
        {
            ConsumerFailed = e =>
            {
                status.LoopFailed(e.Message, services.Time.GetUtcNow());
                log.ConsumerFailed(e);
            },
            Crashed = e =>
            {
                status.Crashed(e.Message);
                log.Crashed(e);
            },
        };

        // Cooperative: a member joining or leaving moves only the partitions that change owner; the others keep their
        // owner, its fenced producer and what it loaded (eager round-robin revoked and reloaded every partition).
        // Assign and Release already work partition by partition, so incremental handovers need nothing more.
        return new("recurring-messages", o.Enabled, o.Group, o.Topic, options.SessionTimeout, StallAfter: TimeSpan.FromSeconds(60), events,
            Assignment: PartitionAssignmentStrategy.CooperativeSticky);
    }

    private TimeSpan WaitTime()
    {
        var now = Time.GetUtcNow();
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

        // The consumer's poll takes whole milliseconds and truncates: rounded up, the loop sleeps until the due time
        // and wakes just after it (as a timer would). Truncated, it woke up to 1 ms early and spun through zero-wait
        // polls, and a thread that spins is the first the OS preempts on a busy machine, right at the due time
        // (issue 11, docs/benchmarks-recurring-messages.md). Only the last moments before a due time are polled through.
        if (wait <= s_spinBefore)
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));
    }

    private void InitPending(IConsumer<byte[]?, byte[]?> consumer)
    {
        foreach (var owner in _owners.Values.Where(o => o.NeedsInit))
        {
            owner.TryInit(CreateProducer, tp => consumer.QueryWatermarkOffsets(tp, s_callTimeout));
        }
    }

    private TransactionalProducer CreateProducer(TopicPartition tp) => CreateFencedProducer(tp, c => c.LingerMs = 1, s_callTimeout);
}
