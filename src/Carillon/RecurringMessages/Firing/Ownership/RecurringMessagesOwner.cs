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
/// so records read for a partition are always applied before what is due on it is taken (the rule that settles races,
/// docs/recurring-messages.md); a burst's records are written on the partitions' producer threads, and what is read for
/// a partition while its round is in flight is held until this thread has collected that round's commit.
/// The rebalance handlers only create and drop owners; fencing (<c>InitTransactions</c>) runs in the loop. A failure of
/// the consumer or a broken producer rebuilds the consumer after a pause (the group reassigns, the next owner reloads).
/// </summary>
internal sealed class RecurringMessagesOwner(OwnershipServices services, RecurringMessagesStatus status, ILogger<RecurringMessagesOwner> logger)
    : PartitionOwnershipService(services, SettingsOf(services, status, logger))
{
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_maxWait = TimeSpan.FromMilliseconds(100);

    // The last millisecond before a due time is spun away on the loop's thread rather than slept (PreciseTime.SpinFor):
    // a thread still running at the due time produces at once, where one woken by a timer first waits for a core.
    private static readonly TimeSpan s_yieldBefore = TimeSpan.FromMilliseconds(1);

    // A partition's next round is built this long before its due time at most (issue 11): long enough for a midnight
    // of several thousand occurrences per partition to be built on a busy machine, short enough that the records are
    // held briefly and a change read meanwhile (which discards the round) is rare.
    private static readonly TimeSpan s_prepareAhead = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_readEvery = TimeSpan.FromMilliseconds(10);
    private readonly RecurringMessagesOptions _options = services.Options.Value.RecurringMessages;
    private readonly CarillonOptions _carillon = services.Options.Value;
    private readonly Dictionary<int, PartitionOwner> _owners = [];
    private readonly TargetTopicDirectory _targets = new(() => services.Clients.CreateAdminClientBuilder().Build(), services.Time);

    // Released by a producer's call thread each time a commit handed off returned: wakes the loop to collect it.
    private readonly SemaphoreSlim _commitReturned = new(0);

    public override void Dispose()
    {
        _targets.Dispose();
        base.Dispose();
        _commitReturned.Dispose();
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
            var result = Read(consumer);
            var read = 0;
            while (result is not null)
            {
                // A partition with a round in flight holds what is read for it until the round is collected.
                if (!result.IsPartitionEOF && _owners.TryGetValue(result.Partition.Value, out var owner))
                {
                    owner.Apply(result);
                }

                result = ++read < 1_000 ? Consume(consumer, TimeSpan.Zero) : null;
            }

            // Per-partition rounds (issue 11, docs/benchmarks-recurring-messages.md): each partition's round (take
            // what is due, write it, commit) is collected as soon as its commit returned and the partition starts its
            // next round in the same pass, without waiting for the other partitions' commits. Still one transaction per
            // partition at a time, and every record read for a partition is applied before its next take: the race
            // rule (docs/recurring-messages.md) holds per partition.
            Collect(collectable: o => o.Collectable);

            // Every due partition's records are produced before any commit is handed off (a commit in flight would
            // compete for the CPU with the next partition's records); a burst is handed off whole at once.
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

            // Each partition's next round is built before its due time, its transaction begun: after the due time only
            // the Produce calls and the commit remain (issue 11, docs/benchmarks-recurring-messages.md).
            foreach (var owner in _owners.Values)
            {
                owner.Prepare(s_prepareAhead);
            }

            foreach (var owner in _owners.Values)
            {
                // On a real cluster a newer owner makes the group revoke a fenced partition within a session or
                // two. Still held after that: the fencer was stale or the broker's error misleading, so this
                // instance rejoins and reloads (as the delayed dispatcher does).
                if (owner.Fenced && Time.GetUtcNow() - owner.FencedAt > 2 * _carillon.SessionTimeout)
                {
                    Collect(collectable: _ => true);
                    throw new KafkaException(new Error(ErrorCode.Local_Fatal, $"partition {owner.TopicPartition.Partition.Value} stayed fenced without a revoke"));
                }

                // A removed schedule no longer counts as one that cannot fire (the book of a partition in flight is
                // only read, here on the loop; the producer's call thread reads the entries it writes, not the book).
                if (status.AnyCannotFire)
                {
                    status.Forget(owner.TopicPartition.Partition.Value, name => owner.Book.TryGet(name, out _));
                }
            }

            status.Counts(_owners.Count, _owners.Values.Sum(o => o.Book.Count));
        }

        // Stopping: no commit is left in flight (the owners are disposed next).
        Collect(collectable: _ => true);
    }

    // Collects the rounds in flight that are ready (or all, waiting). A broken producer rebuilds the consumer, but only
    // after every other round in flight was collected: no commit is left running.
    private void Collect(Func<PartitionOwner, bool> collectable)
    {
        PartitionOwner? broken = null;
        foreach (var owner in _owners.Values)
        {
            if (owner.InFlight && (broken is not null || collectable(owner)) && !owner.FinishFire())
            {
                broken ??= owner;
                foreach (var other in _owners.Values)
                {
                    other.FinishFire();
                }
            }
        }

        if (broken is not null)
        {
            throw new KafkaException(new Error(ErrorCode.Local_Fatal, $"the transactional producer of partition {broken.TopicPartition.Partition.Value} broke"));
        }
    }

    // Waits for records, the next due time, or a round's commit returning, whichever comes first. The consumer's poll
    // cannot be woken by a commit returning: while rounds are in flight the loop waits on their signal instead and
    // polls without waiting, at least every fetch wait (10 ms) so that changes are still read promptly.
    private ConsumeResult<byte[]?, byte[]?>? Read(IConsumer<byte[]?, byte[]?> consumer)
    {
        var wait = WaitTime();
        var inFlight = false;
        var collectable = false;
        foreach (var owner in _owners.Values)
        {
            inFlight |= owner.InFlight;
            collectable |= owner.Collectable;
        }

        if (!inFlight)
        {
            if (wait > s_yieldBefore)
            {
                return Consume(consumer, WholeMs(wait - s_yieldBefore));
            }

            PreciseTime.SpinFor(wait);
            return Consume(consumer, TimeSpan.Zero);
        }

        if (wait > s_readEvery)
        {
            wait = s_readEvery;
        }

        if (wait > s_yieldBefore && !collectable)
        {
            _commitReturned.Wait(WholeMs(wait - s_yieldBefore));
        }
        else if (!collectable)
        {
            PreciseTime.SpinFor(wait);
        }

        while (_commitReturned.Wait(0))
        {
            // Several commits returned: one pass collects them all.
        }

        return Consume(consumer, TimeSpan.Zero);
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
                CommitReturned = Wake,
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

    private void Wake()
    {
        try
        {
            _commitReturned.Release();
        }
        catch (ObjectDisposedException)
        {
            // A commit that returned after the service was disposed: nobody is waiting.
        }
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

        return wait;
    }

    // The consumer's poll and the semaphore take whole milliseconds and truncate: rounded up, a wait of what is left
    // before the last millisecond ends within that millisecond, never after the due time.
    private static TimeSpan WholeMs(TimeSpan wait) => TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));

    private void InitPending(IConsumer<byte[]?, byte[]?> consumer)
    {
        foreach (var owner in _owners.Values.Where(o => o.NeedsInit))
        {
            owner.TryInit(CreateProducer, tp => consumer.QueryWatermarkOffsets(tp, s_callTimeout));
        }
    }

    private TransactionalProducer CreateProducer(TopicPartition tp) => CreateFencedProducer(tp, c => c.LingerMs = 1, s_callTimeout);
}
