using System.Collections.Concurrent;
using Carillon.Hosting.Liveness;
using Carillon.Kafka;
using Carillon.Kafka.Transactions;
using Carillon.Recurring.Scheduling;
using Carillon.Recurring.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Ownership;

/// <summary>
/// The owner's only way to write state: every claim, outcome (with its execution-log record on the logs topic) and
/// snapshot goes through one <see cref="TransactionalProducer"/> whose <c>transactional.id</c> all instances share, so a
/// newer owner's <c>InitTransactions</c> fences this one and nothing it writes afterwards can commit. Requests are
/// queued to one thread that creates the producer (a bounded <c>InitTransactions</c>, off the consumer thread) and then
/// batches whatever is waiting into a single transaction. A snapshot rides in a batch when due, with the group offset
/// committed in the same transaction.
/// <para>
/// A writer never wedges (issue 8): the first transaction that does not commit (aborted, fenced, broken, or a call
/// that overran its bound) ends it. Every request after that fails at once and the term is told, so the owner starts a
/// new term — a new producer, <c>InitTransactions</c>, replay of what did commit — rather than writing on through a
/// client librdkafka may have left in a state that refuses every later call.
/// </para>
/// </summary>
internal sealed class TransactionalWriter : IRunLedger, IDisposable
{
    /// <summary>librdkafka's own timeout of each transactional call; <see cref="TransactionalProducer"/> adds its bound.</summary>
    internal static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_idleBeat = TimeSpan.FromSeconds(1);
    private readonly BlockingCollection<Request> _queue = new();
    private readonly Func<TransactionalProducer> _createProducer;
    private readonly IConsumerGroupMetadata _group;
    private readonly TopicPartition _schedules;
    private readonly string _logsTopic;
    private readonly RecurringOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LoopMonitor _monitor;
    private readonly Action<string> _onFailed;
    private readonly Action<TopicPartitionOffset> _commitPlain;
    private readonly Task _thread;

    // Set once every request is answered, before the producer is disposed: a stopping term waits for this, not for the
    // client's teardown, so that a graceful owner leaves the group sooner (issue 14).
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<SnapshotRecord>? _capture;
    private int _sinceSnapshot;
    private DateTimeOffset _lastSnapshot;
    private volatile string? _failure;

    public TransactionalWriter(Func<TransactionalProducer> createProducer, IConsumerGroupMetadata group, TopicPartition schedules, string logsTopic, RecurringOptions options, TimeProvider time, ILogger logger, LoopMonitor monitor, Action<string> onFailed, Action<TopicPartitionOffset> commitPlain)
    {
        _createProducer = createProducer;
        _commitPlain = commitPlain;
        _group = group;
        _schedules = schedules;
        _logsTopic = logsTopic;
        _options = options;
        _time = time;
        _logger = logger;
        _monitor = monitor;
        _onFailed = onFailed;
        _lastSnapshot = time.GetUtcNow();
        _thread = DedicatedThread.Start("carillon-state-writer", Loop);
    }

    /// <summary>
    /// How long the writer's loop may go without coming round: the longest transaction is three bounded calls
    /// (send offsets, commit, one retried commit), each <see cref="CallTimeout"/> plus the producer's bound.
    /// </summary>
    internal static TimeSpan StallAfter => 3 * (CallTimeout + TimeSpan.FromSeconds(5)) + TimeSpan.FromSeconds(5);

    /// <summary>Why the writer stopped writing (a transaction that did not commit), or null while it writes.</summary>
    public string? Failure => _failure;

    /// <summary>Enables snapshots; until then (replay) the writer writes only what it is given.</summary>
    public void SetSnapshotSource(Func<SnapshotRecord> capture) => Volatile.Write(ref _capture, capture);

    public Task<bool> WriteAsync(StateRecord record) => Enqueue(new Request(record, WithLog: false, ForceSnapshot: false));

    public Task<bool> SnapshotAsync() => Enqueue(new Request(null, WithLog: false, ForceSnapshot: true));

    public ValueTask<bool> ClaimAsync(ClaimRecord claim, CancellationToken cancellationToken) => new(WriteAsync(claim));

    public ValueTask<bool> RecordAsync(OutcomeRecord outcome, CancellationToken cancellationToken)
        => new(Enqueue(new Request(outcome, WithLog: true, ForceSnapshot: false)));

    /// <summary>Counts an applied command toward the next snapshot (commands move the replay start too).</summary>
    public void NoteApplied()
    {
        if (Interlocked.Increment(ref _sinceSnapshot) >= _options.SnapshotEveryRecords)
        {
            _ = SnapshotAsync();
        }
    }

    /// <summary>
    /// Writes what is queued, then stops; waits at most <paramref name="wait"/> for the last transaction's outcome.
    /// The producer is disposed on the writer's thread afterwards, not waited for: its last transaction has ended, and
    /// a newer owner's <c>InitTransactions</c> fences it regardless. A writer still inside a (bounded) producer call is
    /// not waited for either, so neither a revocation nor a shutdown is held by a stuck commit.
    /// </summary>
    public void Stop(TimeSpan wait)
    {
        try
        {
            _queue.CompleteAdding();
        }
        catch (ObjectDisposedException)
        {
        }

        // Either: drained, or the loop ended without draining (it reports its own failures through _onFailed).
        _ = Task.WaitAny([_drained.Task, _thread], wait);
    }

    public void Dispose() => Stop(TimeSpan.Zero);

    private Task<bool> Enqueue(Request request)
    {
        if (_failure is not null || !_queue.TryAddSafe(request))
        {
            return Task.FromResult(false);
        }

        return request.Done.Task;
    }

    private void Loop()
    {
        using var lease = _monitor.Register("recurring-state-writer", StallAfter);
        TransactionalProducer? producer = null;
        try
        {
            try
            {
                producer = _createProducer();
            }
            catch (Exception e) when (e is KafkaException or TimeoutException)
            {
                Fail("InitTransactions failed: " + e.Message);
            }

            var batch = new List<Request>();
            while (!_queue.IsCompleted)
            {
                lease.Beat();
                if (!_queue.TryTake(out var first, s_idleBeat))
                {
                    continue;
                }

                batch.Clear();
                batch.Add(first);
                while (batch.Count < 256 && _queue.TryTake(out var more))
                {
                    batch.Add(more);
                }

                var ok = _failure is null && producer is not null && Commit(producer, batch);
                foreach (var request in batch)
                {
                    request.Done.TrySetResult(ok);
                }
            }

            _drained.TrySetResult();
        }
        catch (Exception e)
        {
            // A bug, not Kafka: the term must still end and every waiter be answered.
            _logger.WriterLoopFailed(e);
            Fail("writer loop failed: " + e.Message);
            while (_queue.TryTake(out var left))
            {
                left.Done.TrySetResult(false);
            }
        }
        finally
        {
            producer?.Dispose();
        }
    }

    private bool Commit(TransactionalProducer producer, List<Request> batch)
    {
        TopicPartitionOffset? committedOffset = null;
        var outcome = producer.Execute(
            client =>
            {
                var written = 0;
                foreach (var request in batch)
                {
                    if (request.Record is { } record)
                    {
                        client.Produce(_schedules, StateMessages.Nullable(StateMessages.State(record)));
                        written++;
                        if (request.WithLog && record is OutcomeRecord outcome)
                        {
                            client.Produce(_logsTopic, StateMessages.Nullable(StateMessages.Log(outcome)));
                        }
                    }
                }

                var capture = Volatile.Read(ref _capture);
                var total = Interlocked.Add(ref _sinceSnapshot, written);
                var due = batch.Exists(r => r.ForceSnapshot) || total >= _options.SnapshotEveryRecords || _time.GetUtcNow() - _lastSnapshot >= _options.SnapshotInterval;
                if (capture is not null && due)
                {
                    var snapshot = capture();
                    client.Produce(_schedules, StateMessages.Nullable(StateMessages.State(snapshot)));

                    // The committed offset is the first record the snapshot does not reflect: a new owner starts there.
                    committedOffset = new TopicPartitionOffset(_schedules, snapshot.AppliedThrough + 1);
                }
            },
            // Evaluated after the write step: the offsets exist only when a snapshot was written.
            new DeferredOffsets(() => committedOffset),
            _group);

        if (outcome == TransactionOutcome.Committed)
        {
            if (committedOffset is not null)
            {
                Interlocked.Exchange(ref _sinceSnapshot, 0);
                _lastSnapshot = _time.GetUtcNow();

                // Once more outside the transaction, after it committed: redundant on a real broker, and needed on
                // librdkafka's mock, which accepts TxnOffsetCommit but does not store it. Offsets only move forward.
                _commitPlain(committedOffset);
            }

            return true;
        }

        var reason = $"{outcome}: {producer.LastError?.Reason ?? "unknown error"}";
        _logger.WriteFailed(reason);
        Fail(reason);
        return false;
    }

    private void Fail(string reason)
    {
        if (_failure is not null)
        {
            return;
        }

        _failure = reason;
        _onFailed(reason);
    }

    private sealed record Request(StateRecord? Record, bool WithLog, bool ForceSnapshot)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>An offset list read when the transaction sends its offsets, i.e. after the write step decided it.</summary>
    private sealed class DeferredOffsets(Func<TopicPartitionOffset?> offset) : IReadOnlyList<TopicPartitionOffset>
    {
        public int Count => offset() is null ? 0 : 1;

        public TopicPartitionOffset this[int index] => index == 0 && offset() is { } o ? o : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<TopicPartitionOffset> GetEnumerator()
        {
            if (offset() is { } o)
            {
                yield return o;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

internal static class BlockingCollectionExtensions
{
    public static bool TryAddSafe<T>(this BlockingCollection<T> queue, T item)
    {
        try
        {
            return !queue.IsAddingCompleted && queue.TryAdd(item);
        }
        catch (InvalidOperationException)
        {
            // Adding completed (or the collection was disposed) between the check and the add.
            return false;
        }
    }
}
