using System.Diagnostics;
using Carillon.Hosting.Liveness;
using Carillon.Kafka;
using Carillon.Kafka.Transactions;
using Carillon.Recurring.Health;
using Carillon.Recurring.Scheduling;
using Carillon.Recurring.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Ownership;

/// <summary>
/// One period of ownership of schedules partition 0, driven from the consumer thread: fence the previous owner
/// (<c>InitTransactions</c>), write a takeover marker, replay every record up to that marker, check versions, then
/// run the engine and apply live commands. Ends on revocation, loss, fencing or shutdown.
/// </summary>
internal sealed class OwnershipTerm
{
    private readonly CarillonOptions _options;
    private readonly IScheduleRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RecurringStatus _status;
    private readonly LoopMonitor _monitor;
    private readonly InvalidRecordLog _invalid;
    private readonly TopicPartition _partition;
    private readonly List<(long Offset, StateRecord Record)> _replay = [];
    private readonly string _termId = Guid.NewGuid().ToString("N");
    private readonly Stopwatch _started = Stopwatch.StartNew();
    private TransactionalWriter? _writer;
    private ScheduleEngine? _engine;
    private bool _slowReplayLogged;
    private volatile bool _failed;

    // When each takeover step finished, in ms since the term began (-1: not yet), for the Debug line 3046 (issue 14).
    private long _fencedMs = -1;
    private long _markerCommittedMs = -1;
    private long _offsetReadMs = -1;
    private long _firstRecordMs = -1;

    public OwnershipTerm(CarillonOptions options, IScheduleRegistry registry, IServiceProvider services, TimeProvider time, ILogger logger, RecurringStatus status, LoopMonitor monitor)
    {
        _monitor = monitor;
        _invalid = new InvalidRecordLog(logger, time);
        _options = options;
        _registry = registry;
        _services = services;
        _time = time;
        _logger = logger;
        _status = status;
        _partition = new TopicPartition(_options.Recurring.Topic, 0);
    }

    public bool Replaying => _engine is null && !Conflicted;

    /// <summary>Set when replay found a newer stored schedule version: the instance must leave the group.</summary>
    public bool Conflicted { get; private set; }

    /// <summary>A transaction did not commit (fenced, aborted, broken, overran its bound): the term must end and may be retried.</summary>
    public bool Failed => _failed;

    /// <summary>True once replay finished and the engine runs.</summary>
    public bool Running => _engine is not null && !Conflicted && !_failed;

    /// <summary>
    /// Builds the executor's transactional client without initialising it. A standby keeps one ready (issue 14), so
    /// that a takeover does not wait for the client and its first connection; building it fences nobody, since a
    /// transactional client does not contact the transaction coordinator before <c>InitTransactions</c>.
    /// </summary>
    public static IProducer<byte[]?, byte[]?> BuildProducer(KafkaClientFactory clients, CarillonOptions options)
        => clients.CreateProducerBuilder<byte[]?, byte[]?>(clients.Producer(c =>
        {
            // Shared by every instance of this schedule: InitTransactions by a new owner fences the old one.
            c.TransactionalId = options.Recurring.Group + ".executor";
            c.EnableIdempotence = true;
            c.LingerMs = 0;
            c.TransactionTimeoutMs = 30_000;
        })).Build();

    /// <summary>
    /// Starts the writer on <paramref name="client"/> (from <see cref="BuildProducer"/>; the term owns it from here):
    /// the writer fences the previous owner (a bounded <c>InitTransactions</c> on its own thread) and writes the
    /// takeover marker. Does not block the consumer thread.
    /// </summary>
    public void Begin(IConsumer<byte[], byte[]> consumer, IProducer<byte[]?, byte[]?> client)
    {
        _writer = new TransactionalWriter(
            () =>
            {
                var fenced = TransactionalProducer.Create(client, TransactionalWriter.CallTimeout);
                Volatile.Write(ref _fencedMs, _started.ElapsedMilliseconds);
                return fenced;
            },
            consumer.ConsumerGroupMetadata,
            _partition,
            _options.Recurring.LogsTopic,
            _options.Recurring,
            _time,
            _logger,
            _monitor,
            OnFailed,
            offset => CommitPlain(consumer, offset));
        _ = _writer.WriteAsync(new TakeoverRecord(_termId, _options.InstanceId, _registry.Version, _time.GetUtcNow()))
            .ContinueWith(_ => Volatile.Write(ref _markerCommittedMs, _started.ElapsedMilliseconds), TaskScheduler.Default);
    }

    /// <summary>Notes that the consumer was moved to the replay start (for the takeover steps' Debug line).</summary>
    public void OffsetRead() => _offsetReadMs = _started.ElapsedMilliseconds;

    /// <summary>Handles a record of partition 0: replay input until the marker, then live commands.</summary>
    public void OnRecord(ConsumeResult<byte[], byte[]> result)
    {
        var offset = result.Offset.Value;
        if (_firstRecordMs < 0)
        {
            _firstRecordMs = _started.ElapsedMilliseconds;
        }

        var decoded = StateRecordCodec.Decode(result.Message.Value, StateRecordCodec.ReadKindHeader(result.Message.Headers));
        if (decoded.Error is { } error)
        {
            _invalid.Invalid(offset, error, "malformed");
        }

        if (Replaying)
        {
            if (decoded.Record is TakeoverRecord marker && marker.TermId == _termId)
            {
                FinishReplay(offset);
            }
            else if (decoded.Record is { } record)
            {
                _replay.Add((offset, record));
            }
            else if (!_slowReplayLogged && _started.ElapsedMilliseconds > 30_000)
            {
                _slowReplayLogged = true;
                _logger.ReplaySlow(_started.ElapsedMilliseconds);
            }

            return;
        }

        if (_engine is null)
        {
            return;
        }

        if (decoded.Record is CommandRecord command)
        {
            bool applied;
            try
            {
                applied = _engine.Apply(command, offset);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or NullReferenceException)
            {
                // A record the validator let through but the engine cannot take is still one record: skip it rather
                // than end the term, since every owner after this one would read it and fail the same way (issue 8).
                _invalid.Invalid(offset, "command could not be applied: " + e.Message, "apply_failed");
                _engine.MarkApplied(offset);
                applied = true;
            }

            if (!applied)
            {
                RejectCommand(command, offset);
            }

            _writer?.NoteApplied();
        }
        else
        {
            // Our own claims, outcomes and snapshots (already in memory), or a skipped bad record.
            _engine.MarkApplied(offset);
        }
    }

    /// <summary>
    /// Ends the term: no run starts from now on. With a grace period (shutdown), runs in progress are cancelled and
    /// get that long to finish so their outcomes are written before the producer goes.
    /// </summary>
    public void End(string reason, TimeSpan grace)
    {
        var wasOwner = _engine is not null && !Conflicted;
        try
        {
            _engine?.StopAsync(cancelRuns: true, grace).GetAwaiter().GetResult();
        }
        finally
        {
            _status.LostOwnership(reason);
            if (_writer is not null)
            {
                if (wasOwner && grace > TimeSpan.Zero && _writer.Failure is null)
                {
                    // A last snapshot on a clean exit: the next owner's replay starts at the very end.
                    _ = _writer.SnapshotAsync();
                }

                _writer.Stop(grace > TimeSpan.Zero ? grace : TimeSpan.FromMilliseconds(500));
                _writer.Dispose();
            }

            if (wasOwner)
            {
                _logger.OwnershipEnded(_options.InstanceId, reason);
            }
        }
    }

    private void FinishReplay(long markerOffset)
    {
        var markerReadMs = _started.ElapsedMilliseconds;
        var exclusive = _registry.Tasks.Where(t => t.Exclusive).ToList();
        var state = StateReplayer.Rebuild(_replay, exclusive.Select(t => t.Id).ToArray(), out var rejected);
        state.AppliedThrough = Math.Max(state.AppliedThrough, markerOffset);
        foreach (var r in rejected)
        {
            RejectCommand(r.Command, r.Offset);
        }

        if (state.ScheduleVersion is { } stored && SemanticVersion.Compare(_registry.Version, stored) < 0)
        {
            Conflicted = true;
            _logger.VersionConflict(_registry.Version, stored);
            RecurringMetrics.VersionConflicts.Add(1);
            _status.Conflict($"Schedule version {_registry.Version} is older than the stored {stored}: this instance runs nothing and left the schedules group.");
            return;
        }

        var engine = new ScheduleEngine(
            new EngineSettings(_options.InstanceId, _registry.Version, _options.Recurring.ClaimLead),
            exclusive,
            state,
            _writer!,
            _services,
            _time,
            _logger);
        _engine = engine;
        // Every declared task rides in each snapshot, so that a reader without the app's code can show it (issue 10).
        var definitions = _registry.Tasks.Select(TaskDefinition.From).OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
        _writer!.SetSnapshotSource(() => engine.CaptureSnapshot() with { Definitions = definitions });
        engine.Start();

        // The takeover snapshot: stored versions upgraded, replay start moved to here.
        _ = _writer.SnapshotAsync();
        _status.BecameOwner(_time.GetUtcNow());
        RecurringMetrics.Takeovers.Add(1);
        _logger.TookOver(_options.InstanceId, _registry.Version, _replay.Count, _started.ElapsedMilliseconds);
        _logger.TakeoverSteps(_options.InstanceId, Volatile.Read(ref _fencedMs), Volatile.Read(ref _markerCommittedMs), _offsetReadMs, _firstRecordMs, markerReadMs, _started.ElapsedMilliseconds);
        _replay.Clear();
    }

    private void RejectCommand(CommandRecord command, long offset)
    {
        if (_registry.TryGetTask(command.TaskId, out var task) && !task.Exclusive)
        {
            _invalid.NonExclusiveTask(command.Command.ToString(), offset, command.TaskId);
            return;
        }

        _invalid.UnknownTask(command.Command.ToString(), offset, command.TaskId);
    }

    private void CommitPlain(IConsumer<byte[], byte[]> consumer, TopicPartitionOffset offset)
    {
        try
        {
            // librdkafka handles are thread-safe for commits; this runs on the writer thread. A synchronous commit
            // waits for the group coordinator with no timeout of its own: bounded, so a dead coordinator cannot hold
            // the writer (issue 8). An abandoned commit finishes or fails in the background; it only moves forward.
            if (!BoundedCall.RunOnce(() => consumer.Commit([offset]), TransactionalWriter.CallTimeout))
            {
                _logger.ConsumerError("offset commit outside the transaction did not return in time; left to finish in the background");
            }
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            // A commit refused after a rebalance is harmless: the transactional commit is the authoritative one.
            _logger.ConsumerError("offset commit outside the transaction failed: " + e.Message);
        }
    }

    private void OnFailed(string reason)
    {
        _failed = true;

        // Stop starting runs right away; the consumer thread ends the term on its next turn and starts a new one.
        _ = _engine?.StopAsync(cancelRuns: false, TimeSpan.Zero);
        var why = "write failed: " + reason;
        _status.LostOwnership(why);
        _logger.OwnershipEnded(_options.InstanceId, why);
    }
}
