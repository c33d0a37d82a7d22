using Carillon.Delayed.Envelope;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// Dispatches one owned partition. It has its own transactional producer with <c>transactional.id</c>
/// <c>{group}.{topic}.{partition}</c>: the next owner's <c>InitTransactions</c> aborts whatever this one left open and
/// fences it, so a zombie owner can never commit a dispatch after losing the partition. The consume thread applies
/// records under <see cref="_gate"/>; the dispatch loop wakes at the next due time on a <see cref="TimeProvider"/>
/// timer (or when a record makes something due earlier) and writes each batch in one transaction.
/// </summary>
internal sealed class PartitionWorker : IAsyncDisposable
{
    // Messages per transaction. A due backlog is cut into transactions this size rather than one per partition: each
    // batch's unpacked records and librdkafka's queue stay small, which kept GC pauses and memory down (1 KiB values
    // over 64 partitions: 28 k msg/s with 20,000, 74 k with 1,000; 64 B values unchanged).
    private const int MaxBatch = 1_000;
    private static readonly TimeSpan s_txnTimeout = TimeSpan.FromSeconds(30);

    private readonly TopicPartition _tp;
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly DelayedMessageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<PartitionWorker> _requestReload;
    private readonly TargetTopicDirectory _targets;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _transaction = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _wake = new();
    private long _plannedWakeMs = long.MaxValue;
    private bool _suspended;
    private bool _reloadRequested;
    private bool _fenced;
    private bool _disposed;
    private int _generation;
    private Task _loop = Task.CompletedTask;

    private PartitionWorker(TopicPartition tp, IProducer<byte[]?, byte[]?> producer, IConsumer<byte[]?, byte[]?> consumer, DelayedMessageOptions options, TargetTopicDirectory targets, TimeProvider time, ILogger logger, Action<PartitionWorker> requestReload)
    {
        _tp = tp;
        _producer = producer;
        _consumer = consumer;
        _options = options;
        _time = time;
        _logger = logger;
        _requestReload = requestReload;
        _targets = targets;
        State = new PartitionState(tp.Partition.Value, options.LoadHorizon, options.MaxLateness);
    }

    public PartitionState State { get; }

    public TopicPartition TopicPartition => _tp;

    /// <summary>The offset the last committed transaction (or the assignment) left the group at: where a reload starts.</summary>
    public long LastCommitted { get; private set; }

    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return State.Pending;
            }
        }
    }

    /// <summary>Creates the partition's producer and fences any previous owner (blocking: call before reading the partition).</summary>
    public static PartitionWorker Create(TopicPartition tp, ProducerConfig config, IConsumer<byte[]?, byte[]?> consumer, DelayedMessageOptions options, TargetTopicDirectory targets, TimeProvider time, ILogger logger, Action<PartitionWorker> requestReload)
    {
        config.TransactionalId = $"{options.Group}.{tp.Topic}.{tp.Partition.Value}";
        var producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetKeySerializer(Serializers.ByteArray!)
            .SetValueSerializer(Serializers.ByteArray!)
            .Build();
        try
        {
            producer.InitTransactions(s_txnTimeout);
        }
        catch
        {
            producer.Dispose();
            throw;
        }

        return new PartitionWorker(tp, producer, consumer, options, targets, time, logger, requestReload);
    }

    /// <summary>Starts loading from <paramref name="start"/> to <paramref name="mark"/> and the dispatch loop.</summary>
    public void Start(long start, long mark)
    {
        BeginLoad(start, mark);
        // A thread of its own: commits block for milliseconds, and with a few partitions on the thread pool that
        // starved the timers and continuations of the others (dispatch lateness p99 in the hundreds of ms).
        _loop = Task.Factory.StartNew(() => Run(_stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The load generation: bumped by every (re)load, so that records read before it are recognizably stale.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Apply thread: applies one record read during load generation <paramref name="generation"/>.</summary>
    public void Apply(ConsumeResult<byte[]?, byte[]?> result, int generation)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (_disposed || generation != _generation)
            {
                return;
            }

            var wasLoading = State.Loading;
            var message = result.Message;
            var outcome = State.Apply(result.Offset.Value, message.Timestamp.UnixTimestampMs, message.Key, message.Value, message.Headers, nowMs);
            if (!wasLoading)
            {
                switch (outcome)
                {
                    case ApplyOutcome.Cancelled: DelayedMetrics.Cancelled.Add(1); break;
                    case ApplyOutcome.HeldReplacing or ApplyOutcome.BeyondHorizonReplacing: DelayedMetrics.Replaced.Add(1); break;
                }
            }

            if (outcome == ApplyOutcome.Invalid)
            {
                DelayedMetrics.Invalid.Add(1);
                DispatcherLog.InvalidRecord(_logger, _tp.Partition.Value, result.Offset.Value, EnvelopeParser.Parse(message.Key, message.Value, message.Headers).Reason.Describe());
            }

            AfterChange(wasLoading);
        }
    }

    /// <summary>Apply thread: the consumer's position or an EOF shows the load is complete.</summary>
    public void ObservePosition(long position, int generation)
    {
        lock (_gate)
        {
            if (_disposed || generation != _generation)
            {
                return;
            }

            var wasLoading = State.Loading;
            State.CompleteLoadIfReached(position);
            AfterChange(wasLoading);
        }
    }

    /// <summary>Consume thread: stops dispatching and waits for an in-flight transaction, before a reload.</summary>
    public void Suspend()
    {
        lock (_gate)
        {
            _suspended = true;
        }

        _transaction.Wait();
    }

    /// <summary>Consume thread, after <see cref="Suspend"/>: lets the loop run again without reloading (it stays suspended).</summary>
    public void ResumeSuspended() => _transaction.Release();

    /// <summary>Consume thread, after <see cref="Suspend"/>: reloads from the last committed offset.</summary>
    public void Resume(long mark)
    {
        BeginLoad(LastCommitted, mark);
        _transaction.Release();
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            // The apply thread may still hold records for this worker: they are dropped from now on.
            _disposed = true;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _producer.Dispose();
        _wake.Dispose();
        _stop.Dispose();
        _transaction.Dispose();
    }

    private void BeginLoad(long start, long mark)
    {
        lock (_gate)
        {
            State.BeginLoad(start, mark);
            Volatile.Write(ref _generation, _generation + 1);
            LastCommitted = start;
            _suspended = false;
            _reloadRequested = false;
            DispatcherLog.Assigned(_logger, _tp.Partition.Value, start, mark);
            AfterChange(wasLoading: true);
        }
    }

    // Under _gate: wake the loop when the load completed or something became due before the planned wake-up.
    private void AfterChange(bool wasLoading)
    {
        if (State.Loading)
        {
            return;
        }

        if (wasLoading)
        {
            DispatcherLog.Loaded(_logger, _tp.Partition.Value, State.Index.Count, State.BeyondHorizon);
            _wake.Set();
            return;
        }

        var next = State.NextWakeMs(_time.GetUtcNow().ToUnixTimeMilliseconds());
        if (next is { } n && n < _plannedWakeMs)
        {
            _wake.Set();
        }
    }

    private void Run(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !_fenced)
        {
            DispatchBatch? batch = null;
            long? wakeMs;
            _transaction.Wait(stop);
            try
            {
                var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                lock (_gate)
                {
                    _wake.Reset();
                    if (!_suspended && !State.Loading && !_reloadRequested && State.RescanAtMs is { } rescan && rescan <= nowMs)
                    {
                        _reloadRequested = true;
                        DispatcherLog.Rescan(_logger, _tp.Partition.Value);
                        _requestReload(this);
                    }

                    batch = _suspended ? null : State.TakeBatch(nowMs, MaxBatch);
                    wakeMs = _suspended || batch is not null ? null : NextWake(nowMs);
                    _plannedWakeMs = wakeMs ?? long.MaxValue;
                }

                if (batch is not null)
                {
                    Commit(batch);
                    continue;
                }
            }
            finally
            {
                _transaction.Release();
            }

            Wait(wakeMs, stop);
        }
    }

    private long? NextWake(long nowMs)
    {
        var next = State.NextWakeMs(nowMs);
        if (_reloadRequested && State.RescanAtMs is { } rescan && next == rescan)
        {
            // The re-scan is already requested: wait for due records (or the reload's signal) only.
            next = State.Index.NextDueMs;
        }

        return next;
    }

    // Sleeps until the wake-up time (a TimeProvider timer) or an earlier signal from the consume thread.
    private void Wait(long? wakeMs, CancellationToken stop)
    {
        if (wakeMs is null)
        {
            _wake.Wait(stop);
            return;
        }

        var delay = wakeMs.Value - _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (delay <= 0)
        {
            return;
        }

        using var timer = _time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), _wake, TimeSpan.FromMilliseconds(delay), Timeout.InfiniteTimeSpan);
        _wake.Wait(stop);
    }

    // Runs with _transaction held: one Kafka transaction for the batch, or a clean abort and a reload.
    private void Commit(DispatchBatch batch)
    {
        var partition = _tp.Partition.Value;
        var tombstoneTarget = new TopicPartition(_options.Topic, _tp.Partition);
        var partitionAscii = TargetMessages.Ascii(partition);
        var unknownTargets = UnknownTargets(batch);
        var misdirected = 0;
        try
        {
            _producer.BeginTransaction();
            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var item in batch.Items)
            {
                if (unknownTargets?.Contains(item.TargetTopic) == true)
                {
                    var dead = DeadLetterItem.FromHeld(item.Blob, item.Offset, item.DueMs, item.TargetTopic, InvalidReason.TargetTopicUnknown);
                    _producer.Produce(_options.DeadLetterTopic, TargetMessages.DeadLetter(dead, partition));
                    _producer.Produce(tombstoneTarget, TargetMessages.Tombstone(dead.Key!, dead.Offset));
                    DispatcherLog.TargetTopicUnknown(_logger, partition, item.Offset, item.TargetTopic);
                    misdirected++;
                    continue;
                }

                var target = TargetMessages.Target(item, partitionAscii, out var scheduleKey, out var offsetAscii);
                try
                {
                    _producer.Produce(item.TargetTopic, target);
                }
                catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code != ErrorCode.Local_QueueFull)
                {
                    // Refused before it left this process (too large, …): it would fail every retry, so it becomes a
                    // dead letter after the reload instead of blocking the partition.
                    lock (_gate)
                    {
                        State.Reject(item.Offset);
                    }

                    DispatcherLog.TargetRejected(_logger, partition, item.Offset, e.Error.Reason);
                    throw;
                }

                // To the partition the schedule was read from, whatever a partitioner would say (etf1 #53).
                _producer.Produce(tombstoneTarget, TargetMessages.Tombstone(scheduleKey, offsetAscii));
                if (_options.HistoryTopic is { Length: > 0 } history)
                {
                    _producer.Produce(history, TargetMessages.History(item, scheduleKey, partition, nowMs));
                }
            }

            foreach (var dead in batch.DeadLetters)
            {
                var deadLetter = TargetMessages.DeadLetter(dead, partition);
                try
                {
                    _producer.Produce(_options.DeadLetterTopic, deadLetter);
                }
                catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code != ErrorCode.Local_QueueFull)
                {
                    // The record itself is what the producer refuses (too large): keep its key, headers and position.
                    deadLetter.Value = null;
                    deadLetter.Headers.Add(ControlHeaders.DeadLetterValueDropped, System.Text.Encoding.ASCII.GetBytes(e.Error.Code.ToString()));
                    _producer.Produce(_options.DeadLetterTopic, deadLetter);
                }
                if (dead.Key is not null)
                {
                    _producer.Produce(tombstoneTarget, TargetMessages.Tombstone(dead.Key, dead.Offset));
                }
            }

            _producer.SendOffsetsToTransaction([new TopicPartitionOffset(_tp, batch.CommitOffset)], _consumer.ConsumerGroupMetadata, s_txnTimeout);
            _producer.CommitTransaction(s_txnTimeout);
        }
        catch (KafkaException e)
        {
            HandleFailure(batch, e);
            return;
        }

        LastCommitted = batch.CommitOffset;
        var committedMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var item in batch.Items)
        {
            if (unknownTargets?.Contains(item.TargetTopic) != true)
            {
                DelayedMetrics.Lateness.Record(committedMs - item.DueMs);
            }
        }

        DelayedMetrics.Dispatched.Add(batch.Items.Count - misdirected);
        DelayedMetrics.DeadLettered.Add(batch.DeadLetters.Count + misdirected);
        DispatcherLog.Dispatched(_logger, partition, batch.Count, batch.CommitOffset);
    }

    // The batch's target topics the cluster says it does not have; null (nothing allocated) in the usual case. The
    // directory answers from its cache after the first question per topic, and runs of one topic are asked once.
    private HashSet<string>? UnknownTargets(DispatchBatch batch)
    {
        HashSet<string>? unknown = null;
        string? previous = null;
        foreach (var item in batch.Items)
        {
            if (!ReferenceEquals(item.TargetTopic, previous) && !_targets.Exists(item.TargetTopic))
            {
                (unknown ??= new(StringComparer.Ordinal)).Add(item.TargetTopic);
            }

            previous = item.TargetTopic;
        }

        return unknown;
    }

    private void HandleFailure(DispatchBatch batch, KafkaException e)
    {
        _targets.Forget(batch.Items.Select(i => i.TargetTopic).Distinct(StringComparer.Ordinal));
        if (e.Error.IsFatal || e.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.TransactionalIdAuthorizationFailed)
        {
            // Another owner fenced us: it re-reads the partition; this process must not write for it any more.
            _fenced = true;
            DispatcherLog.Fenced(_logger, _tp.Partition.Value, e.Error.Reason);
            return;
        }

        try
        {
            _producer.AbortTransaction(s_txnTimeout);
        }
        catch (KafkaException abort)
        {
            // A producer that can neither commit nor abort is unusable: stop, and let the next owner recover.
            _fenced = true;
            DispatcherLog.Fenced(_logger, _tp.Partition.Value, abort.Error.Reason);
            return;
        }

        // The batch left the state; nothing more may be dispatched (it would commit past it) until a reload from the
        // last committed offset has put it back.
        lock (_gate)
        {
            _suspended = true;
            _reloadRequested = true;
        }

        DispatcherLog.TransactionFailed(_logger, _tp.Partition.Value, e.Error.Reason, LastCommitted);
        _requestReload(this);
    }
}
