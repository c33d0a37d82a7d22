using Carillon.Hosting.Liveness;
using Carillon.Kafka;
using Carillon.Recurring.Health;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.Recurring.Ownership;

/// <summary>
/// Competes for the schedule: one consumer in the schedules group on the single-partition schedules topic. The
/// instance assigned partition 0 runs an <see cref="OwnershipTerm"/>; every other instance is a warm standby. The
/// consumer's blocking poll runs on its own thread; rebalance callbacks only flip flags or end the term.
/// <para>
/// Supervised (issue 8): the loop beats a <see cref="LoopMonitor"/> lease every turn; every blocking call on its thread
/// has a bound (ending a term waits at most the grace period, a stuck producer call is left to its own thread); a
/// failed term is retried with a capped backoff while the partition stays assigned; and a loop that throws is logged,
/// its consumer dropped, and the loop restarted with a fresh consumer — never silently gone.
/// </para>
/// </summary>
internal sealed class ScheduleOwnerService(
    KafkaClientFactory clients,
    IOptions<CarillonOptions> options,
    TopicProvisioner provisioner,
    IScheduleRegistry registry,
    IServiceProvider services,
    TimeProvider time,
    RecurringStatus status,
    LoopMonitor monitor,
    ILogger<ScheduleOwnerService> logger) : BackgroundService
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromSeconds(1);

    // Capped low on purpose: after a cluster outage the schedule must resume within seconds of the cluster's return,
    // so a term is retried at least this often while the partition is assigned.
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan s_callBound = TimeSpan.FromSeconds(10);

    // How long one Consume waits. It is also how late the loop notices a shutdown (the stop of a graceful handover)
    // and how late it starts a term after the assignment callback (librdkafka's poll keeps waiting after serving a
    // rebalance when no record follows): short, since both are on the handover's path (issue 14). An idle wake-up is
    // a few microseconds of work.
    private static readonly TimeSpan s_pollTimeout = TimeSpan.FromMilliseconds(20);
    private TimeSpan _backoff = s_firstBackoff;
    private readonly CarillonOptions _options = options.Value;
    private OwnershipTerm? _term;

    // The next term's transactional client, built while standing by (issue 14): building it fences nobody.
    private IProducer<byte[]?, byte[]?>? _spare;
    private bool _assigned;
    private bool _rehearsed;
    private DateTimeOffset _retryAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Recurring.Enabled || !registry.Tasks.Any(t => t.Exclusive))
        {
            return;
        }

        await provisioner.EnsureAsync(stoppingToken).ConfigureAwait(false);
        await DedicatedThread.Start("carillon-schedules-consumer", () => Supervise(stoppingToken)).ConfigureAwait(false);
    }

    /// <summary>Runs the consumer loop; one that throws is logged and restarted with a new consumer after a backoff.</summary>
    private void Supervise(CancellationToken stopping)
    {
        var backoff = s_firstBackoff;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                Run(stopping);
                return;
            }
            catch (GroupProtocolRefusedException)
            {
                // Logged once by the choice; the next consumer joins with the classic protocol at once.
                EndTerm("group protocol refused", TimeSpan.Zero);
                _assigned = false;
                continue;
            }
            catch (Exception e)
            {
                logger.OwnerLoopFailed(e);
                RecurringMetrics.OwnerLoopRestarts.Add(1);
                EndTerm("owner loop failed", TimeSpan.Zero);
                _assigned = false;
            }

            stopping.WaitHandle.WaitOne(backoff);
            backoff = Min(backoff * 2, s_maxBackoff);
        }
    }

    private void Run(CancellationToken stopping)
    {
        var partition = new TopicPartition(_options.Recurring.Topic, 0);
        var session = (int)_options.SessionTimeout.TotalMilliseconds;
        var heartbeat = (int)(_options.Recurring.HeartbeatInterval?.TotalMilliseconds ?? Math.Clamp(session / 10, 100, 3000));
        var config = clients.Consumer(
            c =>
            {
                c.GroupId = _options.Recurring.Group;
                c.EnableAutoCommit = false;
                c.EnableAutoOffsetStore = false;
                c.IsolationLevel = IsolationLevel.ReadCommitted;
                c.AutoOffsetReset = AutoOffsetReset.Earliest;

                // Classic protocol: the client sets its session; a short heartbeat makes standbys notice a rebalance
                // fast. Under the consumer protocol (KIP-848) both are broker settings and the factory drops them.
                c.SessionTimeoutMs = session;
                c.HeartbeatIntervalMs = heartbeat;
                c.FetchWaitMaxMs = 10;
                c.EnablePartitionEof = false;
            },
            _options.Recurring.GroupProtocol);

        using var lease = monitor.Register("recurring-schedules-consumer", StallAfter);
        // Connection errors are summarised by the factory's connectivity tracker; the others reach this handler.
        var consumer = clients.CreateConsumerBuilder<byte[], byte[]>(config, (_, e) =>
            {
                status.KafkaError(e.Reason, time.GetUtcNow());
                logger.ConsumerError(e.Reason);
            })
            // Both protocols are handled by membership tests, never by "the list is the whole assignment": the classic
            // (eager) protocol passes full lists after revoking everything, the consumer protocol passes increments,
            // possibly empty or without partition 0. Confluent.Kafka performs the (incremental) assign itself.
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                if (partitions.Contains(partition))
                {
                    _assigned = true;
                }
            })
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                if (partitions.Any(p => p.TopicPartition == partition))
                {
                    _assigned = false;

                    // Bounded: runs get at most the grace period, and a writer stuck in a commit is not waited for.
                    EndTerm("partition revoked", stopping.IsCancellationRequested ? _options.Recurring.ShutdownGracePeriod : TimeSpan.Zero);
                }
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                if (partitions.Any(p => p.TopicPartition == partition))
                {
                    _assigned = false;
                    EndTerm("partition lost", TimeSpan.Zero);
                }
            })
            .Build();

        consumer.Subscribe(_options.Recurring.Topic);
        var subscribed = true;
        bool? closed = null;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                lease.Beat();
                ConsumeResult<byte[], byte[]>? result = null;
                try
                {
                    result = consumer.Consume(s_pollTimeout);
                }
                catch (ConsumeException e) when (clients.GroupProtocols.FallBackOnRefusal(_options.Recurring.GroupProtocol, e.Error))
                {
                    throw new GroupProtocolRefusedException(e.Error);
                }
                catch (ConsumeException e)
                {
                    status.KafkaError(e.Error.Reason, time.GetUtcNow());
                    logger.ConsumerError(e.Error.Reason);

                    // A fatal error leaves the consumer unusable: the supervisor builds a new one.
                    if (e.Error.IsFatal)
                    {
                        throw;
                    }
                }

                if (!subscribed)
                {
                    continue;
                }

                if (_assigned && _term is null && time.GetUtcNow() >= _retryAt)
                {
                    // A record fetched before the term's seek is fetched again from the committed offset: dropped here
                    // so that replay sees it once.
                    StartTerm(consumer);
                    result = null;
                }

                if (result is { IsPartitionEOF: false } && result.TopicPartition == partition)
                {
                    _term?.OnRecord(result);
                }

                if (_term is null && _spare is null && !stopping.IsCancellationRequested)
                {
                    _spare = OwnershipTerm.BuildProducer(clients, _options);
                    RehearseOnce();
                }

                if (_term is { Running: true })
                {
                    _backoff = s_firstBackoff;
                }

                if (_term is { Conflicted: true })
                {
                    // An older schedule must not run: give the partition to an up-to-date instance and stay out.
                    EndTerm("schedule version conflict", TimeSpan.Zero);
                    consumer.Unsubscribe();
                    subscribed = false;
                }
                else if (_term is { Failed: true })
                {
                    EndTerm("fenced or failed write", TimeSpan.Zero);
                    ScheduleRetry();
                }
            }

            // Graceful: finish and record runs, then leave the group so that a standby takes over at once. Close
            // waits for the coordinator, which may be gone: bounded, and the consumer abandoned if it overruns.
            EndTerm("shutdown", _options.Recurring.ShutdownGracePeriod);
            closed = BoundedCall.RunOnce(consumer.Close, s_callBound, consumer.Dispose);
            if (closed == false)
            {
                logger.ConsumerError("closing the schedules consumer did not finish in time; it is abandoned");
            }
        }
        finally
        {
            EndTerm("shutdown", TimeSpan.Zero);
            DisposeSpare();
            if (closed == true)
            {
                consumer.Dispose();
            }
            else if (closed is null)
            {
                // The loop threw before closing: destroy without waiting on a dead coordinator. (A Close that overran
                // disposes the consumer itself once it returns; disposing it meanwhile would race the native close.)
                _ = BoundedCall.RunOnce(consumer.Dispose, s_callBound);
            }
        }
    }

    /// <summary>The consumer loop turns every 100 ms; the longest blocking step on its thread is one bounded call.</summary>
    private static TimeSpan StallAfter => 2 * s_callBound + TimeSpan.FromSeconds(10);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void ScheduleRetry()
    {
        _retryAt = time.GetUtcNow() + _backoff;
        _backoff = Min(_backoff * 2, s_maxBackoff);
    }

    private void StartTerm(IConsumer<byte[], byte[]> consumer)
    {
        var term = new OwnershipTerm(_options, registry, services, time, logger, status, monitor);
        logger.Assigned(_options.InstanceId, consumer.MemberId);
        try
        {
            // Fencing first, on the writer's thread, so that it overlaps the committed-offset read below (issue 14).
            var client = _spare ?? OwnershipTerm.BuildProducer(clients, _options);
            _spare = null;
            term.Begin(consumer, client);
            _term = term;

            // Replay always starts at the committed offset (the latest snapshot's), whatever was fetched before. Read
            // while InitTransactions runs: a zombie owner may still move it forward until fenced, but replay from an
            // older snapshot's offset is as exact (it reads on to this term's marker), so either value is right.
            // Committed honours its timeout in librdkafka; the bound is for the day it does not (issue 8): an
            // overrun throws, and the supervisor replaces the consumer.
            var partition = new TopicPartition(_options.Recurring.Topic, 0);
            List<TopicPartitionOffset>? committed = null;
            if (!BoundedCall.RunOnce(() => committed = consumer.Committed([partition], TimeSpan.FromSeconds(5)), s_callBound))
            {
                throw new TimeoutException("Reading the committed offset of the schedules partition did not return in time.");
            }

            var offset = committed?.FirstOrDefault()?.Offset ?? Offset.Unset;
            consumer.Seek(new TopicPartitionOffset(partition, offset.Value >= 0 ? offset : Offset.Beginning));
            term.OffsetRead();
        }
        catch (KafkaException e)
        {
            logger.ConsumerError("could not take over the schedule: " + e.Error.Reason);
            status.KafkaError(e.Error.Reason, time.GetUtcNow());
            EndTerm("takeover failed", TimeSpan.Zero);
            ScheduleRetry();
        }
    }

    /// <summary>
    /// A standby's first wait also warms the code a takeover runs first (<see cref="StandbyRehearsal"/>), off the
    /// consumer thread; once per service.
    /// </summary>
    private void RehearseOnce()
    {
        if (_rehearsed)
        {
            return;
        }

        _rehearsed = true;
        var exclusive = registry.Tasks.Where(t => t.Exclusive).Select(t => t.Id).ToArray();
        _ = Task.Run(() =>
        {
            try
            {
                StandbyRehearsal.Run(_options.InstanceId, registry.Version, exclusive);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Only a warm-up: the takeover runs the same code and reports what fails there.
                logger.RehearsalFailed(e.Message);
            }
        });
    }

    private void DisposeSpare()
    {
        var spare = _spare;
        _spare = null;
        if (spare is not null)
        {
            // An idle client closes at once; bounded like every other call on this thread (issue 8).
            _ = BoundedCall.RunOnce(spare.Dispose, s_callBound);
        }
    }

    private void EndTerm(string reason, TimeSpan grace)
    {
        var term = _term;
        _term = null;
        term?.End(reason, grace);
    }
}
