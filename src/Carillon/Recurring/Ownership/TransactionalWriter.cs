using System.Collections.Concurrent;
using Carillon.Recurring.Scheduling;
using Carillon.Recurring.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Recurring.Ownership;

/// <summary>
/// The owner's only way to write state: every claim, outcome (with its execution-log record on the logs topic) and
/// snapshot goes through one transactional producer whose <c>transactional.id</c> all instances share, so a newer
/// owner's <c>InitTransactions</c> fences this one and nothing it writes afterwards can commit. Requests are queued to
/// one thread that batches whatever is waiting into a single transaction (the producer's transaction calls block).
/// A snapshot rides in a batch when due, with the group offset committed in the same transaction.
/// </summary>
internal sealed class TransactionalWriter : IRunLedger, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly BlockingCollection<Request> _queue = new();
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly IConsumerGroupMetadata _group;
    private readonly TopicPartition _schedules;
    private readonly string _logsTopic;
    private readonly RecurringOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string> _onFenced;
    private readonly Action<TopicPartitionOffset> _commitPlain;
    private readonly Thread _thread;
    private Func<SnapshotRecord>? _capture;
    private int _sinceSnapshot;
    private DateTimeOffset _lastSnapshot;
    private volatile bool _fenced;

    public TransactionalWriter(IProducer<byte[], byte[]> producer, IConsumerGroupMetadata group, TopicPartition schedules, string logsTopic, RecurringOptions options, TimeProvider time, ILogger logger, Action<string> onFenced, Action<TopicPartitionOffset> commitPlain)
    {
        _commitPlain = commitPlain;
        _producer = producer;
        _group = group;
        _schedules = schedules;
        _logsTopic = logsTopic;
        _options = options;
        _time = time;
        _logger = logger;
        _onFenced = onFenced;
        _lastSnapshot = time.GetUtcNow();
        _thread = new Thread(Loop) { IsBackground = true, Name = "carillon-state-writer" };
        _thread.Start();
    }

    public bool Fenced => _fenced;

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

    /// <summary>Writes what is queued, then stops; waits at most <paramref name="wait"/>.</summary>
    public void Stop(TimeSpan wait)
    {
        try
        {
            _queue.CompleteAdding();
        }
        catch (ObjectDisposedException)
        {
        }

        _thread.Join(wait);
    }

    public void Dispose()
    {
        Stop(s_timeout);
        _producer.Dispose();
    }

    private Task<bool> Enqueue(Request request)
    {
        if (_fenced || !_queue.TryAddSafe(request))
        {
            return Task.FromResult(false);
        }

        return request.Done.Task;
    }

    private void Loop()
    {
        var batch = new List<Request>();
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < 256 && _queue.TryTake(out var more))
            {
                batch.Add(more);
            }

            var ok = !_fenced && Commit(batch);
            foreach (var request in batch)
            {
                request.Done.TrySetResult(ok);
            }
        }
    }

    private bool Commit(List<Request> batch)
    {
        TopicPartitionOffset? committedOffset = null;
        try
        {
            _producer.BeginTransaction();
            var written = 0;
            foreach (var request in batch)
            {
                if (request.Record is { } record)
                {
                    _producer.Produce(_schedules, StateMessages.State(record));
                    written++;
                    if (request.WithLog && record is OutcomeRecord outcome)
                    {
                        _producer.Produce(_logsTopic, StateMessages.Log(outcome));
                    }
                }
            }

            var capture = Volatile.Read(ref _capture);
            var total = Interlocked.Add(ref _sinceSnapshot, written);
            var due = batch.Exists(r => r.ForceSnapshot) || total >= _options.SnapshotEveryRecords || _time.GetUtcNow() - _lastSnapshot >= _options.SnapshotInterval;
            if (capture is not null && due)
            {
                var snapshot = capture();
                _producer.Produce(_schedules, StateMessages.State(snapshot));

                // The committed offset is the first record the snapshot does not reflect: a new owner starts there.
                committedOffset = new TopicPartitionOffset(_schedules, snapshot.AppliedThrough + 1);
                _producer.SendOffsetsToTransaction([committedOffset], _group, s_timeout);
            }

            _producer.CommitTransaction(s_timeout);
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
        catch (KafkaException e)
        {
            _logger.WriteFailed(e.Error.Reason);
            if (StateMessages.IsFencedOrFatal(e.Error))
            {
                _fenced = true;
                _onFenced(e.Error.Reason);
                return false;
            }

            try
            {
                _producer.AbortTransaction(s_timeout);
            }
            catch (KafkaException abort)
            {
                if (StateMessages.IsFencedOrFatal(abort.Error))
                {
                    _fenced = true;
                    _onFenced(abort.Error.Reason);
                }
            }

            return false;
        }
    }

    private sealed record Request(StateRecord? Record, bool WithLog, bool ForceSnapshot)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
