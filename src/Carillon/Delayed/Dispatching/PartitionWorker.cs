using Carillon.Delayed.Envelope;
using Carillon.Hosting.Liveness;
using Carillon.Kafka;
using Carillon.Kafka.Transactions;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// Dispatches one owned partition. It writes through a <see cref="TransactionalProducer"/> with <c>transactional.id</c>
/// <c>{group}.{topic}.{partition}</c>: the next owner's <c>InitTransactions</c> aborts whatever this one left open and
/// fences it, so a zombie owner can never commit a dispatch after losing the partition.
/// <para>
/// Its own thread runs a supervised loop (issue 8, docs/liveness.md): <b>prepare</b> (build the producer if there is
/// none, read the committed offset and the high watermark, every call bounded), then ask the consume thread to seek
/// and <b>load</b>, then <b>dispatch</b> at due times. Every failure goes back to prepare, with backoff: an aborted or
/// broken transaction's producer is disposed and rebuilt, a fenced one stops writing and is rebuilt
/// only if the partition is still here a session timeout later. An exception out of a turn is logged and the loop
/// goes on; waits are capped so that it beats its <see cref="LoopLease"/> while idle.
/// </para>
/// </summary>
internal sealed class PartitionWorker : IAsyncDisposable
{
    /// <summary>librdkafka's timeout for each blocking call; the producer and <see cref="BoundedCall"/> add a hard bound on top.</summary>
    internal static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many <see cref="CallTimeout"/> calls a dispatch commit may take before its producer is given up: a slow commit
    /// (a thousand 1 KiB dispatches on each of 64 partitions at once, on a busy machine) is resumed, not broken, which
    /// cost a rebuilt producer and a reload of the partition (issue 14, docs/benchmarks-delayed.md "The 1 KiB stall").
    /// </summary>
    internal const int CommitCalls = 6;

    /// <summary>The longest any wait lasts: timers beyond 49.7 days throw (issue 8), and an idle loop must still beat.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    // Messages per transaction. A due backlog is cut into transactions this size rather than one per partition: each
    // batch and librdkafka's queue stay small, which kept GC pauses and memory down (figures:
    // docs/benchmarks-delayed.md, "Figures behind code choices").
    private const int MaxBatch = 1_000;
    private static readonly TimeSpan s_callBound = CallTimeout + TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_minBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(5);

    // The consumer offset rides in a dispatch transaction at most this often, and in a transaction of its own once the
    // partition is idle. Sending offsets is two broker round trips inside the transaction (AddOffsetsToTxn, then
    // TxnOffsetCommit), the largest step of a small dispatch's lateness (issue 14, docs/benchmarks-delayed.md). Every
    // dispatch still commits its target and its tombstone atomically, so an offset that lags a second behind only makes
    // a reload re-read that second's schedules together with their tombstones, which cancel them (RemoveExact): nothing
    // is sent twice (docs/delayed-messages.md, Dispatcher step 4).
    private static readonly TimeSpan s_offsetsInterval = TimeSpan.FromSeconds(1);

    // An idle partition sends an offset it still owes when nothing is due this soon (an offsets-only transaction takes
    // a few milliseconds, and a message falling due meanwhile would wait for it).
    private static readonly TimeSpan s_idleForOffsets = TimeSpan.FromMilliseconds(50);

    // The last stretch before a due time that the loop yields away instead of sleeping (see Wait).
    private static readonly TimeSpan s_yieldBeforeDue = TimeSpan.FromMilliseconds(1);

    private readonly TopicPartition _tp;
    private readonly Func<TransactionalProducer> _createProducer;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly DelayedOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LoopMonitor _monitor;
    private readonly Action<LoadRequest> _requestLoad;
    private readonly TargetTopicDirectory _targets;
    private readonly TimeSpan _fencedWait;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _wake = new();
    private readonly DispatchRecords _records = new(); // the loop thread's only
    private readonly KeylessTargets _keyless; // the loop thread's only
    private readonly List<DispatchItem> _items = new(MaxBatch); // each batch's items; the loop thread's only
    private Task? _predecessor;
    private TransactionalProducer? _producer; // the loop thread's only
    private Phase _phase = Phase.Preparing;
    private long _plannedWakeMs = long.MaxValue;
    private long _owedOffset = -1; // a committed dispatch's offset not yet sent (the loop thread's; reset by a load)
    private long _offsetsSentAtMs; // the loop thread's only (0: the first dispatch carries the offset)
    private bool _slept; // the loop waited since its last batch (the lateness breakdown only)
    private long _fencedAtMs;
    private long _requestId;
    private bool _seekRepeated; // this load's seek was made a second time (ObservePosition)
    private bool _loadedOnce;
    private bool _disposed;
    private int _generation;
    private bool _firstLoadReported;
    private Task _loop = Task.CompletedTask;

    public PartitionWorker(
        TopicPartition tp,
        Func<TransactionalProducer> createProducer,
        IConsumer<byte[]?, byte[]?> consumer,
        DelayedOptions options,
        TargetTopicDirectory targets,
        TargetTopicPolicy policy,
        TimeSpan sessionTimeout,
        TimeProvider time,
        LoopMonitor monitor,
        ILogger logger,
        Action<LoadRequest> requestLoad,
        Task? predecessor)
    {
        _tp = tp;
        _createProducer = createProducer;
        _consumer = consumer;
        _options = options;
        _time = time;
        _logger = logger;
        _monitor = monitor;
        _requestLoad = requestLoad;
        _targets = targets;
        _keyless = new KeylessTargets(targets.Partitions);
        _fencedWait = sessionTimeout;
        _predecessor = predecessor;
        State = new PartitionState(tp.Partition.Value, options.LoadHorizon, options.MaxLateness, policy, options.MaxDeliverAhead)
        {
            // Whether the cluster has a target topic is asked when a record for it is first held, in the background and
            // once for all partitions, so that a dispatch finds the answer cached (issue 14).
            TopicHeld = targets.Prefetch,
        };
    }

    private enum Phase
    {
        /// <summary>The loop must (re)build the producer if it has none, read the offsets and request a load.</summary>
        Preparing,

        /// <summary>A <see cref="LoadRequest"/> waits for the consume thread.</summary>
        AwaitingLoad,

        /// <summary>Loading to the mark, then dispatching.</summary>
        Running,

        /// <summary>Fenced: writes nothing until the group takes the partition away or <see cref="_fencedWait"/> passes.</summary>
        Fenced,
    }

    public PartitionState State { get; }

    public TopicPartition TopicPartition => _tp;

    /// <summary>The offset the last committed transaction (or the load) left the group at.</summary>
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

    /// <summary>Told when the first load completes (one summary line per assignment).</summary>
    public AssignmentLoadSummary? LoadSummary { get; init; }

    /// <summary>The load generation: bumped by every (re)load, so that records read before it are recognizably stale.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Starts the loop (on a thread of its own: commits block for milliseconds, and on the thread pool a few
    /// partitions starved each other's timers; figures: docs/benchmarks-delayed.md, "Figures behind code choices").</summary>
    public void Start()
        => _loop = DedicatedThread.Start($"carillon-delayed-{_tp.Partition.Value}", () => Run(_stop.Token));

    /// <summary>
    /// Consume thread: starts the requested load, unless the request is stale. The caller seeks to
    /// <see cref="LoadRequest.Start"/> right after; records consumed before the seek carry an older generation.
    /// </summary>
    public bool BeginLoad(LoadRequest request)
    {
        lock (_gate)
        {
            if (_disposed || _phase != Phase.AwaitingLoad || request.Id != _requestId)
            {
                return false;
            }

            if (request.Resume)
            {
                // The same load, read on from where its applied records end.
                Volatile.Write(ref _generation, _generation + 1);
                _phase = Phase.Running;
                _wake.Set();
                return true;
            }

            State.BeginLoad(request.Start, request.Mark);
            Volatile.Write(ref _generation, _generation + 1);
            LastCommitted = request.Start;
            _owedOffset = -1;
            _loadedOnce = true;
            _phase = Phase.Running;
            DispatcherLog.Assigned(_logger, _tp.Partition.Value, request.Start, request.Mark);
            AfterChange(wasLoading: true);
            _wake.Set();
            return true;
        }
    }

    /// <summary>Consume thread: the seek after <see cref="BeginLoad"/> failed; the loop prepares again.</summary>
    public void LoadFailed(string reason)
    {
        lock (_gate)
        {
            if (!_disposed && _phase == Phase.Running)
            {
                Volatile.Write(ref _generation, _generation + 1);
                _phase = Phase.Preparing;
                DispatcherLog.PrepareFailed(_logger, _tp.Partition.Value, "Seek", reason, s_minBackoff);
                _wake.Set();
            }
        }
    }

    /// <summary>Apply thread: applies one record read during load generation <paramref name="generation"/>.</summary>
    public void Apply(ConsumeResult<byte[]?, byte[]?> result, int generation)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (_disposed || _phase != Phase.Running || generation != _generation)
            {
                return;
            }

            var wasLoading = State.Loading;
            var message = result.Message;
            try
            {
                var outcome = State.Apply(result.Offset.Value, message.Timestamp.UnixTimestampMs, message.Key, message.Value, message.Headers, nowMs);
                if (!wasLoading)
                {
                    switch (outcome)
                    {
                        case ApplyOutcome.Cancelled: DelayedMetrics.Cancelled.Add(1); break;
                        case ApplyOutcome.HeldReplacing or ApplyOutcome.BeyondHorizonReplacing: DelayedMetrics.Replaced.Add(1); break;
                    }
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // No record may stop a partition (issue 8): one that breaks the state is passed over, logged, counted.
                State.Skip(result.Offset.Value);
                DelayedMetrics.Skipped.Add(1);
                DispatcherLog.RecordSkipped(_logger, _tp.Partition.Value, result.Offset.Value, RecordText.Printable(e.Message));
            }

            AfterChange(wasLoading);
        }
    }

    /// <summary>Apply thread: the consumer's position or an EOF shows the load is complete.</summary>
    public void ObservePosition(long position, int generation)
    {
        LoadRequest? again = null;
        lock (_gate)
        {
            if (_disposed || _phase != Phase.Running || generation != _generation)
            {
                return;
            }

            var wasLoading = State.Loading;
            if (wasLoading && position >= State.LoadMark && position > State.AppliedPosition && !_seekRepeated)
            {
                // Past the mark with offsets from the last applied one on not delivered: either they are aborted records
                // and markers (a committed transaction's range always ends with one), or the load's seek was undone. The
                // consumer is assigned at its end, and librdkafka resolves that with an offset lookup of its own; a seek
                // made before the lookup's answer can be overridden by it, at once (nothing of the range delivered) or
                // after a first fetch (part of it), leaving the rest of the partition's backlog unloaded, silently
                // (issue 14, docs/benchmarks-delayed.md "Open"). Seeking once more, to where the applied records end,
                // tells the two apart without reading anything twice: the lookup has been answered by now, so this seek
                // holds, and a tail of markers reaches the mark again at once.
                _seekRepeated = true;
                Volatile.Write(ref _generation, _generation + 1);
                _phase = Phase.AwaitingLoad;
                _wake.Reset();
                again = new LoadRequest(this, ++_requestId, State.AppliedPosition, State.LoadMark, Resume: true);
            }
            else
            {
                State.CompleteLoadIfReached(position);
                AfterChange(wasLoading);
            }
        }

        if (again is not null)
        {
            DispatcherLog.LoadSeekRepeated(_logger, _tp.Partition.Value, again.Start, position);
            _requestLoad(again);
        }
    }

    /// <summary>True while loading (the consume thread then reports positions).</summary>
    public bool Loading
    {
        get
        {
            lock (_gate)
            {
                return _phase == Phase.Running && State.Loading;
            }
        }
    }

    /// <summary>
    /// Stops the loop. The returned task ends when the loop has ended and the producer is disposed; a caller that must
    /// not block (the revoke handler) waits for it with a bound.
    /// </summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return _loop;
            }

            // The apply thread may still hold records for this worker: they are dropped from now on.
            _disposed = true;
        }

        _stop.Cancel();
        _loop = _loop.ContinueWith(_ =>
        {
            _wake.Dispose();
            _stop.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return _loop;
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

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
            if (!_firstLoadReported)
            {
                _firstLoadReported = true;
                LoadSummary?.PartitionLoaded(State.Index.Count, State.BeyondHorizon);
            }

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
        // A turn's longest bounded step is a transaction: the offsets and every call of its commit.
        using var lease = _monitor.Register($"delayed partition {_tp.Partition.Value}", MaxWait + ((3 + CommitCalls) * s_callBound));
        var backoff = s_minBackoff;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                lease.Beat();
                bool ok;
                try
                {
                    ok = Turn(stop, backoff);
                }
                catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or KafkaException)
                {
                    break;
                }
                catch (Exception e)
                {
                    // A bug (or a client call failing in a way not foreseen): the loop is not allowed to die with it.
                    DispatcherLog.WorkerLoopFailed(_logger, _tp.Partition.Value, e);
                    if (_producer is { Usable: false })
                    {
                        DisposeProducer();
                    }

                    EnterPreparing();
                    ok = false;
                }

                if (ok)
                {
                    backoff = s_minBackoff;
                }
                else
                {
                    _wake.Reset();
                    Sleep(backoff, stop);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxBackoff.Ticks));
                }
            }
        }
        finally
        {
            DisposeProducer();
        }
    }

    // One turn of the loop; false when it failed and the loop should back off.
    private bool Turn(CancellationToken stop, TimeSpan backoff)
    {
        Phase phase;
        lock (_gate)
        {
            phase = _phase;
        }

        switch (phase)
        {
            case Phase.Preparing:
                return Prepare(backoff, stop);

            case Phase.AwaitingLoad:
                _wake.Wait(MaxWait, stop);
                lock (_gate)
                {
                    if (_phase == Phase.AwaitingLoad && !_wake.IsSet)
                    {
                        // Not served within a long wait (the consume thread was rebuilt, …): ask again.
                        _phase = Phase.Preparing;
                    }

                    _wake.Reset();
                }

                return true;

            case Phase.Fenced:
                var silentMs = _time.GetUtcNow().ToUnixTimeMilliseconds() - _fencedAtMs;
                if (silentMs >= _fencedWait.TotalMilliseconds)
                {
                    // On a real cluster a newer owner would have made the group revoke the partition by now: the
                    // fencer was a stale instance of this process, or the broker's error was misleading.
                    DispatcherLog.FencedRebuild(_logger, _tp.Partition.Value, _fencedWait);
                    EnterPreparing();
                    return true;
                }

                // Nothing signals a fenced worker but its stop token: a wake-up left from before must not spin it.
                _wake.Reset();
                Sleep(TimeSpan.FromMilliseconds(_fencedWait.TotalMilliseconds - silentMs), stop);
                return true;

            default:
                return Dispatch(stop);
        }
    }

    // Fence (a new producer's InitTransactions), then read where to start: the committed offset and the load mark.
    private bool Prepare(TimeSpan backoff, CancellationToken stop)
    {
        if (_producer is null)
        {
            // The previous worker of this partition in this process may still be finishing a call: let it end first
            // (bounded), so its transaction is settled before this one reads the partition.
            try
            {
                _predecessor?.Wait((int)s_callBound.TotalMilliseconds, stop);
            }
            catch (AggregateException)
            {
            }

            _predecessor = null;
            try
            {
                _producer = _createProducer();
            }
            catch (Exception e) when (e is KafkaException or TimeoutException)
            {
                DispatcherLog.PrepareFailed(_logger, _tp.Partition.Value, "InitTransactions", RecordText.Printable(e.Message), backoff);
                return false;
            }
        }

        List<TopicPartitionOffset>? committed = null;
        WatermarkOffsets? marks = null;
        try
        {
            if (!BoundedCall.RunOnce(() => committed = _consumer.Committed([_tp], CallTimeout), s_callBound)
                || !BoundedCall.RunOnce(() => marks = _consumer.QueryWatermarkOffsets(_tp, CallTimeout), s_callBound))
            {
                DispatcherLog.PrepareFailed(_logger, _tp.Partition.Value, "offsets", "no answer within the bound", backoff);
                return false;
            }
        }
        catch (KafkaException e)
        {
            DispatcherLog.PrepareFailed(_logger, _tp.Partition.Value, "offsets", e.Error.Reason, backoff);
            return false;
        }

        // After fencing the broker's committed offset is the truth; what this worker committed itself is a floor for
        // a broker that does not keep transactional offsets (the test broker). Below the log start (retention), or
        // with no commit at all: the oldest retained record. Starting early is safe: dispatch tombstones skip what was done.
        var start = committed?.FirstOrDefault(c => c.TopicPartition == _tp)?.Offset.Value ?? -1;
        lock (_gate)
        {
            if (_loadedOnce)
            {
                start = Math.Max(start, LastCommitted);
            }
        }

        start = Math.Max(start, marks!.Low.Value);
        LoadRequest request;
        lock (_gate)
        {
            if (_disposed)
            {
                return true;
            }

            _phase = Phase.AwaitingLoad;
            _wake.Reset();
            _seekRepeated = false;
            request = new LoadRequest(this, ++_requestId, start, marks.High.Value);
        }

        _requestLoad(request);
        return true;
    }

    private bool Dispatch(CancellationToken stop)
    {
        DispatchBatch? batch;
        long? wakeMs;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            _wake.Reset();
            if (!State.Loading && State.RescanAtMs is { } rescan && rescan <= nowMs)
            {
                // A re-scan is a reload from the committed offset: the one recovery path.
                DispatcherLog.Rescan(_logger, _tp.Partition.Value);
                _phase = Phase.Preparing;
                return true;
            }

            batch = State.TakeBatch(nowMs, MaxBatch, _items);
            wakeMs = batch is null ? State.NextWakeMs(nowMs) : null;
            _plannedWakeMs = wakeMs ?? long.MaxValue;
        }

        if (batch is not null)
        {
            return Commit(batch);
        }

        if (_owedOffset > LastCommitted && (wakeMs is null || wakeMs.Value - nowMs >= s_idleForOffsets.TotalMilliseconds))
        {
            return CommitOffset(_owedOffset);
        }

        Wait(wakeMs, stop);
        return true;
    }

    // Sleeps until the wake-up time or an earlier signal; never longer than MaxWait. The transaction is begun first, so
    // that the due time finds it open (BeginTransaction is a hand-over to the client's main thread and back). On the real
    // clock the timed wait (whole milliseconds) ends within the last millisecond before the due time and the loop yields
    // the rest away on its own thread: a thread still running at the due time starts at once, where one woken by its
    // timer first waits for a CPU (issue 14: the wake-up was 1.35 ms late at p50 with the wait rounded up to the due
    // time; docs/benchmarks-delayed.md). With another TimeProvider the delay is rounded up to whole milliseconds (a
    // timer rounded down would fire early and find nothing due).
    private void Wait(long? wakeMs, CancellationToken stop)
    {
        if (wakeMs is null)
        {
            _slept = true;
            Sleep(MaxWait, stop);
            return;
        }

        _producer?.BeginAhead();
        var delayMs = wakeMs.Value - PreciseNowMs();
        if (delayMs <= 0)
        {
            return;
        }

        _slept = true;
        if (!ReferenceEquals(_time, TimeProvider.System))
        {
            Sleep(TimeSpan.FromMilliseconds(Math.Ceiling(Math.Min(delayMs, MaxWait.TotalMilliseconds))), stop);
        }
        else if (delayMs > s_yieldBeforeDue.TotalMilliseconds)
        {
            Sleep(TimeSpan.FromMilliseconds(Math.Ceiling(Math.Min(delayMs - s_yieldBeforeDue.TotalMilliseconds, MaxWait.TotalMilliseconds))), stop);
        }
        else
        {
            PreciseTime.SpinFor(TimeSpan.FromMilliseconds(delayMs), _wake, stop);
        }
    }

    private double PreciseNowMs() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    private void Sleep(TimeSpan delay, CancellationToken stop)
    {
        if (delay > MaxWait)
        {
            delay = MaxWait;
        }

        if (ReferenceEquals(_time, TimeProvider.System))
        {
            // On the real clock a timed wait wakes this thread itself; a timer fires on the thread pool, which then has
            // to wake this thread: two hand-overs on a busy machine, and a timer object per wait (issue 14, lateness).
            _wake.Wait(delay, stop);
            return;
        }

        using var timer = _time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), _wake, delay, Timeout.InfiniteTimeSpan);
        _wake.Wait(stop);
    }

    // One Kafka transaction for the batch; on any failure the partition is prepared and reloaded.
    private bool Commit(DispatchBatch batch)
    {
        var partition = _tp.Partition.Value;
        var observer = DispatchTimings.Observer;
        var awakeMs = observer is null ? 0 : PreciseTime.NowUnixMs();
        var slept = _slept;
        _slept = false;
        var unknownTargets = UnknownTargets(batch);
        var written = new DispatchWriter(_tp, _options, _time, _logger, Reject, batch, unknownTargets, _records, _keyless);
        var withOffsets = _time.GetUtcNow().ToUnixTimeMilliseconds() - _offsetsSentAtMs >= s_offsetsInterval.TotalMilliseconds;
        var outcome = _producer!.Execute(
            written.Write,
            withOffsets ? [new TopicPartitionOffset(_tp, batch.CommitOffset)] : null,
            withOffsets ? _consumer.ConsumerGroupMetadata : null);
        if (outcome != TransactionOutcome.Committed)
        {
            if (outcome == TransactionOutcome.Aborted)
            {
                _targets.Forget(batch.Items.Select(i => i.TargetTopic).Distinct(StringComparer.Ordinal));
            }

            return Failed(outcome);
        }

        if (withOffsets)
        {
            OffsetSent(batch.CommitOffset);
        }
        else
        {
            _owedOffset = batch.CommitOffset;
        }

        if (observer is not null && batch.Items.Count > 0)
        {
            var (writtenMs, offsetsSentMs) = _producer.LastSteps;
            observer(new DispatchTiming(batch.Items[0].DueMs, batch.Items.Count, slept, awakeMs, writtenMs, offsetsSentMs, PreciseTime.NowUnixMs()));
        }

        var committedMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var item in batch.Items)
        {
            if (unknownTargets?.Contains(item.TargetTopic) != true)
            {
                DelayedMetrics.Lateness.Record(committedMs - item.DueMs);
            }
        }

        foreach (var dead in batch.DeadLetters)
        {
            DispatcherLog.InvalidRecord(_logger, partition, dead.Offset, dead.Reason.Describe());
        }

        DelayedMetrics.Invalid.Add(batch.DeadLetters.Count(d => d.Reason is not (InvalidReason.TooLate or InvalidReason.TargetRejected)));
        DelayedMetrics.Dispatched.Add(batch.Items.Count - written.Misdirected);
        DelayedMetrics.DeadLettered.Add(batch.DeadLetters.Count + written.Misdirected - written.SkippedDeadLetters);
        DelayedMetrics.Skipped.Add(written.SkippedDeadLetters);
        DispatcherLog.Dispatched(_logger, partition, batch.Count, batch.CommitOffset);
        return true;
    }

    // The offset the dispatches since the last one sent owe, in a transaction of its own (the partition is idle).
    private bool CommitOffset(long offset)
    {
        var outcome = _producer!.Execute(static _ => { }, [new TopicPartitionOffset(_tp, offset)], _consumer.ConsumerGroupMetadata);
        if (outcome != TransactionOutcome.Committed)
        {
            return Failed(outcome);
        }

        OffsetSent(offset);
        return true;
    }

    private void OffsetSent(long offset)
    {
        LastCommitted = offset;
        _owedOffset = -1;
        _offsetsSentAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    // A transaction that did not commit: an aborted or broken one loses its producer and reloads the partition; a fenced
    // one stops writing (see the class summary). An aborted producer is not kept: after an error that left a gap in its
    // sequence numbers without bumping its epoch (INVALID_TXN_STATE on a Produce), its next transaction to the same
    // partition failed as well (OUT_OF_ORDER_SEQUENCE_NUMBER), a second reload up to seconds later, and then with
    // messages published after the fault (CI, 3 Dec 2026). A new producer's InitTransactions starts clean.
    private bool Failed(TransactionOutcome outcome)
    {
        var partition = _tp.Partition.Value;
        var reason = RecordText.Printable(_producer?.LastError?.Reason ?? "unknown");
        switch (outcome)
        {
            case TransactionOutcome.Aborted:
                DispatcherLog.TransactionFailed(_logger, partition, reason, LastCommitted);
                DisposeProducer();
                EnterPreparing();
                return false;

            case TransactionOutcome.Fenced:
                DispatcherLog.Fenced(_logger, partition, reason, _fencedWait);
                DisposeProducer();
                lock (_gate)
                {
                    _phase = Phase.Fenced;
                    _fencedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                }

                return true;

            default:
                DispatcherLog.ProducerBroken(_logger, partition, reason);
                DisposeProducer();
                EnterPreparing();
                return false;
        }
    }

    // Refused before it left this process (too large, …): it becomes a dead letter after the reload.
    private void Reject(long offset)
    {
        lock (_gate)
        {
            State.Reject(offset);
        }
    }

    private void EnterPreparing()
    {
        lock (_gate)
        {
            // The taken batch left the state: nothing more may be dispatched until a reload has put it back.
            Volatile.Write(ref _generation, _generation + 1);
            _phase = Phase.Preparing;
        }
    }

    private void DisposeProducer()
    {
        var producer = _producer;
        _producer = null;
        producer?.Dispose();
    }

    // The batch's target topics the cluster says it does not have; null (nothing allocated) in the usual case. The
    // directory answers from its cache (the question was asked when the record was held), and runs of one topic are
    // looked up once.
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
}

/// <summary>A worker's request to the consume thread: seek to <see cref="Start"/> and load up to <see cref="Mark"/>.</summary>
/// <summary>
/// A seek for a worker's load. <paramref name="Resume"/>: the load goes on from <paramref name="Start"/>, keeping what it
/// applied so far (<see cref="PartitionWorker.ObservePosition"/>); otherwise it starts afresh there.
/// </summary>
internal sealed record LoadRequest(PartitionWorker Worker, long Id, long Start, long Mark, bool Resume = false);
