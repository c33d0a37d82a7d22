using Carillon.Kafka;
using Carillon.Recurring.Health;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Ownership;

/// <summary>
/// Competes for the schedule: one consumer in the schedules group on the single-partition schedules topic. The
/// instance assigned partition 0 runs an <see cref="OwnershipTerm"/>; every other instance is a warm standby. The
/// consumer's blocking poll runs on its own thread; rebalance callbacks only flip flags or end the term.
/// </summary>
internal sealed class ScheduleOwnerService(
    KafkaClientFactory clients,
    TopicProvisioner provisioner,
    IScheduleRegistry registry,
    IServiceProvider services,
    TimeProvider time,
    RecurringStatus status,
    ILogger<ScheduleOwnerService> logger) : BackgroundService
{
    private static readonly TimeSpan s_retryBackoff = TimeSpan.FromSeconds(1);
    private readonly CarillonOptions _options = clients.Options;
    private OwnershipTerm? _term;
    private bool _assigned;
    private DateTimeOffset _retryAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.EnableScheduler || !registry.Tasks.Any(t => t.Exclusive))
        {
            return;
        }

        await provisioner.EnsureAsync(stoppingToken).ConfigureAwait(false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
                done.SetResult();
            }
            catch (Exception e)
            {
                logger.OwnerLoopFailed(e);
                done.SetResult();
            }
        })
        {
            IsBackground = true,
            Name = "carillon-schedules-consumer",
        };
        thread.Start();
        await done.Task.ConfigureAwait(false);
    }

    private void Run(CancellationToken stopping)
    {
        var partition = new TopicPartition(_options.SchedulesTopic, 0);
        var session = (int)_options.SessionTimeout.TotalMilliseconds;
        var heartbeat = (int)(_options.Recurring.HeartbeatInterval?.TotalMilliseconds ?? Math.Clamp(session / 10, 100, 3000));
        var config = clients.Consumer(
            c =>
            {
                c.GroupId = _options.SchedulesGroup;
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

        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, message) => logger.Librdkafka(message))
            .SetErrorHandler((_, e) =>
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

        consumer.Subscribe(_options.SchedulesTopic);
        var subscribed = true;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                ConsumeResult<byte[], byte[]>? result = null;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException e)
                {
                    status.KafkaError(e.Error.Reason, time.GetUtcNow());
                    logger.ConsumerError(e.Error.Reason);
                }

                if (!subscribed)
                {
                    continue;
                }

                if (_assigned && _term is null && time.GetUtcNow() >= _retryAt)
                {
                    StartTerm(consumer);
                }

                if (result is { IsPartitionEOF: false } && result.TopicPartition == partition)
                {
                    _term?.OnRecord(result);
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
                    _retryAt = time.GetUtcNow() + s_retryBackoff;
                }
            }
        }
        finally
        {
            // Graceful: finish and record runs, then leave the group so that a standby takes over at once.
            EndTerm("shutdown", _options.Recurring.ShutdownGracePeriod);
            try
            {
                consumer.Close();
            }
            catch (KafkaException e)
            {
                logger.ConsumerError(e.Error.Reason);
            }
        }
    }

    private void StartTerm(IConsumer<byte[], byte[]> consumer)
    {
        var term = new OwnershipTerm(clients, registry, services, time, logger, status);
        logger.Assigned(_options.InstanceId);
        try
        {
            // Replay always starts at the committed offset (the latest snapshot's), whatever was fetched before.
            var partition = new TopicPartition(_options.SchedulesTopic, 0);
            var committed = consumer.Committed([partition], TimeSpan.FromSeconds(10)).FirstOrDefault()?.Offset ?? Offset.Unset;
            consumer.Seek(new TopicPartitionOffset(partition, committed.Value >= 0 ? committed : Offset.Beginning));
            term.Begin(consumer);
            _term = term;
        }
        catch (KafkaException e)
        {
            logger.ConsumerError("could not take over the schedule: " + e.Error.Reason);
            status.KafkaError(e.Error.Reason, time.GetUtcNow());
            term.End("takeover failed", TimeSpan.Zero);
            _retryAt = time.GetUtcNow() + s_retryBackoff;
        }
    }

    private void EndTerm(string reason, TimeSpan grace)
    {
        var term = _term;
        _term = null;
        term?.End(reason, grace);
    }
}
