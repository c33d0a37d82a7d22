using Confluent.Kafka;

namespace Carillon.Kafka.Transactions;

/// <summary>
/// The one owner of a Kafka transaction: begin, write, send offsets, commit, and abort on failure, with
/// <see cref="TransactionErrors.IsFenced"/> as the fencing rule and every blocking call bounded by
/// <see cref="BoundedCall"/>. Both the recurring owner and the delayed partition workers write through it. Not thread
/// safe: one thread runs its transactions (<see cref="StartCommit"/> and <see cref="AwaitCommit"/> let that thread keep
/// several producers' commits in flight at once).
/// </summary>
internal sealed class TransactionalProducer : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _bound;
    private readonly int _commitCalls;
    private readonly BoundedCall _calls = new("carillon-transaction");
    private TransactionOutcome? _terminal;
    private bool _abandoned;
    private bool _disposed;
    private bool _committing;
    private TransactionOutcome? _settled;

    // The last commit ran out of calls while librdkafka still had it in progress: the client accepts nothing but that
    // same commit from now on (an abort answers "Conflicting commit_transaction API call is already in progress").
    private bool _commitUnfinished;

    // A transaction begun and not yet handed to a commit or aborted: begun ahead (BeginAhead, or right after the
    // previous commit on the call thread), so that a write at a due time does not first wait for BeginTransaction's
    // round trip through the client's main thread (issue 11, docs/benchmarks-recurring-messages.md). Written by the
    // call thread only while a commit is in flight; read once it was collected.
    private bool _open;

    private TransactionalProducer(IProducer<byte[]?, byte[]?> producer, TimeSpan timeout, int commitCalls)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(commitCalls, 1);
        _producer = producer;
        _timeout = timeout;
        _commitCalls = commitCalls;

        // librdkafka's own timeout first; the bound only catches the calls that ignore it.
        _bound = timeout + TimeSpan.FromSeconds(5);
    }

    /// <summary>The client, for <c>Produce</c> calls inside <see cref="Execute"/>'s write step.</summary>
    public IProducer<byte[]?, byte[]?> Client => _producer;

    /// <summary>The error that ended the last failed transaction (or <c>InitTransactions</c>).</summary>
    public Error? LastError { get; private set; }

    /// <summary>False once a transaction ended <see cref="TransactionOutcome.Fenced"/> or <see cref="TransactionOutcome.Broken"/>.</summary>
    public bool Usable => _terminal is null;

    /// <summary>
    /// Builds the client and runs <c>InitTransactions</c>, which fences any previous producer of the same
    /// <c>transactional.id</c> and aborts what it left open. Throws <see cref="KafkaException"/> when the cluster refuses,
    /// or <see cref="TimeoutException"/> when the call overran its bound; the client is then disposed.
    /// <paramref name="commitCalls"/>: how many <c>CommitTransaction</c> calls of <paramref name="timeout"/> each a commit
    /// may take, the first and its resumptions, before the producer is given up as broken (see <see cref="Commit"/>).
    /// </summary>
    public static TransactionalProducer Create(ProducerBuilder<byte[]?, byte[]?> builder, TimeSpan timeout, int commitCalls = 2)
        => Create(builder.Build(), timeout, commitCalls);

    /// <summary>
    /// Runs <c>InitTransactions</c> on a client built earlier (issue 14: a standby builds its client ahead, so that a
    /// takeover pays only for the fencing call). A transactional client does not contact the transaction coordinator
    /// until <c>InitTransactions</c>, so building it ahead fences nobody. Takes ownership of <paramref name="client"/>:
    /// it is disposed when the call fails.
    /// </summary>
    public static TransactionalProducer Create(IProducer<byte[]?, byte[]?> client, TimeSpan timeout, int commitCalls = 2)
    {
        var producer = new TransactionalProducer(client, timeout, commitCalls);
        try
        {
            if (!producer.Control(p => p.InitTransactions(timeout)))
            {
                throw new TimeoutException($"InitTransactions did not return within {producer._bound.TotalSeconds:0} s.");
            }
        }
        catch
        {
            producer.Dispose();
            throw;
        }

        return producer;
    }

    /// <summary>
    /// When the last <see cref="Execute"/> finished its write step and when its offsets were sent, in Unix milliseconds
    /// on the precise clock (<see cref="double.NaN"/> when it sent none): the lateness breakdown of issue 14
    /// (docs/benchmarks-delayed.md) reads them.
    /// </summary>
    public (double WrittenMs, double OffsetsSentMs) LastSteps { get; private set; }

    /// <summary>
    /// Runs one transaction: <paramref name="write"/> produces its records (a <see cref="KafkaException"/> it throws
    /// aborts the transaction), then <paramref name="offsets"/> are sent for <paramref name="group"/> and the
    /// transaction is committed. A retriable commit failure is retried once before the transaction is aborted. A
    /// transaction begun with <see cref="BeginAhead"/> is written at once.
    /// </summary>
    public TransactionOutcome Execute(Action<IProducer<byte[]?, byte[]?>> write, IReadOnlyList<TopicPartitionOffset>? offsets = null, IConsumerGroupMetadata? group = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committing || _settled is not null)
        {
            throw new InvalidOperationException("The previous transaction's outcome was not collected.");
        }

        if (_terminal is { } terminal)
        {
            return terminal;
        }

        try
        {
            Begin();
            write(_producer);
            var writtenMs = PreciseTime.NowUnixMs();
            var offsetsSentMs = double.NaN;
            if (offsets is { Count: > 0 })
            {
                ArgumentNullException.ThrowIfNull(group);
            }

            // Sending the offsets and committing are one hand-over to the call thread, not two: each hand-over wakes a
            // thread, which on a busy machine is a scheduling delay in every dispatch's lateness (issue 14). The bound
            // covers both calls and the one retry of the commit.
            var step = nameof(IProducer<byte[], byte[]>.SendOffsetsToTransaction);
            if (!Control(p =>
                {
                    if (offsets is { Count: > 0 })
                    {
                        p.SendOffsetsToTransaction(offsets, group, _timeout);
                        offsetsSentMs = PreciseTime.NowUnixMs();
                    }

                    step = nameof(IProducer<byte[], byte[]>.CommitTransaction);
                    _open = false;
                    Commit(p);
                }, 1 + _commitCalls))
            {
                return Stuck(step);
            }

            LastSteps = (writtenMs, offsetsSentMs);
            LastError = null;
            return TransactionOutcome.Committed;
        }
        catch (KafkaException e)
        {
            return Fail(e);
        }
        catch
        {
            // Not Kafka's failure (a bug in the write step): leave no transaction open, then let it surface.
            AbortQuietly();
            throw;
        }
    }

    /// <summary>
    /// Begins the next transaction now, while nothing is due, so that the next <see cref="Write"/> or
    /// <see cref="StartCommit"/> produces at once (issue 11). A transaction with no record yet involves no broker and
    /// no timeout. Does nothing when one is open or in flight; a refusal is left for the next write to meet and report.
    /// </summary>
    public void BeginAhead()
    {
        if (_disposed || _terminal is not null || _open || _committing || _settled is not null)
        {
            return;
        }

        try
        {
            Begin();
        }
        catch (KafkaException)
        {
            // Met again by the next write, which aborts or reports it as the transaction's outcome.
        }
    }

    /// <summary>
    /// The first half of a transaction run concurrently with other producers' (issue 11), when the records are few:
    /// begins it (unless <see cref="BeginAhead"/> did) and runs <paramref name="write"/> on the caller's thread, so that
    /// the caller can produce every producer's records before it hands any commit off with <see cref="StartCommit"/>
    /// (a commit in flight competes with the next producer's writes for the CPU). A <see cref="KafkaException"/> from
    /// <paramref name="write"/> aborts: the outcome is then ready for <see cref="AwaitCommit"/>, and false is returned.
    /// </summary>
    public bool Write(Action<IProducer<byte[]?, byte[]?>> write)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committing || _settled is not null)
        {
            throw new InvalidOperationException("The previous transaction's outcome was not collected.");
        }

        if (_terminal is { } terminal)
        {
            _settled = terminal;
            return false;
        }

        try
        {
            Begin();
            write(_producer);
        }
        catch (KafkaException e)
        {
            _settled = Fail(e);
            return false;
        }
        catch
        {
            AbortQuietly();
            throw;
        }

        return true;
    }

    /// <summary>
    /// Hands the transaction's commit to this producer's call thread without waiting for it (issue 11); the caller
    /// starts other producers' commits and collects each outcome with <see cref="AwaitCommit"/>, which must be called
    /// once before this producer is used again. <paramref name="write"/>, when given, runs first on the call thread
    /// (after beginning the transaction unless it is open): many records are written there, in parallel with the other
    /// producers'. Same rules as <see cref="Execute"/> (without offsets): a <see cref="KafkaException"/> from a write
    /// aborts, a retriable commit failure is retried once. <paramref name="committed"/> runs on the call thread as soon
    /// as the commit returned (so the caller can note when, whatever else it was waiting for); with
    /// <paramref name="beginNext"/> the call thread then begins the next transaction, as <see cref="BeginAhead"/>.
    /// After a <see cref="Write"/> that failed, nothing is handed and the outcome is already known.
    /// <paramref name="returned"/> runs on the call thread once the whole hand-off returned (committed or not), when
    /// <see cref="CommitReturned"/> is already true: a caller keeping several producers' commits in flight wakes up to
    /// collect this one without waiting for the others (issue 11).
    /// </summary>
    public void StartCommit(Action<IProducer<byte[]?, byte[]?>>? write = null, Action? committed = null, bool beginNext = false, Action? returned = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_settled is not null && write is null)
        {
            return;
        }

        if (_committing || _settled is not null)
        {
            throw new InvalidOperationException("The previous transaction's outcome was not collected.");
        }

        if (_terminal is { } terminal)
        {
            _settled = terminal;
            return;
        }

        var producer = _producer;
        var begin = !_open;
        _open = false;
        _committing = true;
        _calls.Start(() =>
        {
            if (begin)
            {
                producer.BeginTransaction();
            }

            write?.Invoke(producer);
            Commit(producer);
            committed?.Invoke();
            if (beginNext)
            {
                try
                {
                    producer.BeginTransaction();
                    _open = true;
                }
                catch (KafkaException)
                {
                    // Met again by the next write.
                }
            }
        }, returned);
    }

    /// <summary>
    /// True unless a commit handed off by <see cref="StartCommit"/> is still running: <see cref="AwaitCommit"/> then
    /// returns without waiting (issue 11: the owners' loop collects each partition's outcome as it comes).
    /// </summary>
    public bool CommitReturned => !_committing || _calls.Returned;

    /// <summary>Waits for the commit <see cref="StartCommit"/> handed off (bounded) and returns the transaction's outcome.</summary>
    public TransactionOutcome AwaitCommit()
    {
        if (_settled is { } settled)
        {
            _settled = null;
            return settled;
        }

        if (!_committing)
        {
            throw new InvalidOperationException("No transaction was started.");
        }

        _committing = false;
        bool finished;
        try
        {
            // The commit's calls (a retriable failure is resumed), each bounded by librdkafka's own timeout.
            finished = _calls.Await(_bound + ((_commitCalls - 1) * _timeout), DisposeAbandoned(_producer));
        }
        catch (KafkaException e)
        {
            return Fail(e);
        }
        catch
        {
            AbortQuietly();
            throw;
        }

        if (!finished)
        {
            _abandoned = true;
            return Stuck(nameof(IProducer<byte[], byte[]>.CommitTransaction));
        }

        LastError = null;
        return TransactionOutcome.Committed;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (_committing)
        {
            // A commit handed off and never collected (the caller failed in between): let it finish, bounded, first.
            try
            {
                _ = AwaitCommit();
            }
            catch (Exception e) when (e is KafkaException or InvalidOperationException)
            {
            }
        }

        _disposed = true;
        if (!_abandoned)
        {
            // Destroying a client waits for its in-flight requests: bounded like every other call.
            _ = _calls.Run(_producer.Dispose, _bound);
        }

        _calls.Dispose();
    }

    private static Action DisposeAbandoned(IProducer<byte[]?, byte[]?> producer) => () =>
    {
        try
        {
            producer.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    };

    // librdkafka: a commit that fails retriably (above all one whose flush of the transaction's records outlasts the
    // call's timeout) goes on in the background, and only calling CommitTransaction again resumes it; an abort is
    // refused meanwhile ("Conflicting commit_transaction API call is already in progress"). A commit that is slow, not
    // stuck (a large transaction on a busy machine: 1,000 dispatches of 1 KiB on each of 64 partitions at once took
    // over 10 s here), is therefore resumed up to _commitCalls calls; giving up earlier broke a healthy producer, and
    // the partition was rebuilt and reloaded (issue 14, docs/benchmarks-delayed.md "The 1 KiB stall").
    private void Commit(IProducer<byte[]?, byte[]?> producer)
    {
        for (var call = 1; ; call++)
        {
            try
            {
                producer.CommitTransaction(_timeout);
                return;
            }
            catch (KafkaRetriableException) when (call < _commitCalls)
            {
            }
            catch (KafkaRetriableException)
            {
                _commitUnfinished = true;
                throw;
            }
        }
    }

    private void Begin()
    {
        if (!_open)
        {
            _producer.BeginTransaction();
            _open = true;
        }
    }

    private TransactionOutcome Fail(KafkaException e)
    {
        _open = false;
        LastError = e.Error;
        if (TransactionErrors.IsFenced(e.Error))
        {
            _terminal = TransactionOutcome.Fenced;
            return TransactionOutcome.Fenced;
        }

        if (e.Error.IsFatal || _commitUnfinished)
        {
            // A commit still in progress cannot be aborted (see Commit): broken, with the commit's own error.
            _terminal = TransactionOutcome.Broken;
            return TransactionOutcome.Broken;
        }

        try
        {
            if (!Control(p => p.AbortTransaction(_timeout)))
            {
                return Stuck(nameof(IProducer<byte[], byte[]>.AbortTransaction));
            }
        }
        catch (KafkaException abort)
        {
            // An abort refused (fatal state, or "conflicting … call in progress" after a commit that timed out) leaves
            // a client that can never write again: it is broken, not fenced.
            LastError = abort.Error;
            _terminal = TransactionErrors.IsFenced(abort.Error) ? TransactionOutcome.Fenced : TransactionOutcome.Broken;
            return _terminal.Value;
        }

        return TransactionOutcome.Aborted;
    }

    private TransactionOutcome Stuck(string call)
    {
        LastError = new Error(ErrorCode.Local_TimedOut, $"{call} did not return within {_bound.TotalSeconds:0} s; the producer was abandoned");
        _terminal = TransactionOutcome.Broken;
        return TransactionOutcome.Broken;
    }

    private void AbortQuietly()
    {
        _open = false;
        try
        {
            if (!Control(p => p.AbortTransaction(_timeout)))
            {
                _terminal = TransactionOutcome.Broken;
            }
        }
        catch (KafkaException)
        {
            _terminal = TransactionOutcome.Broken;
        }
    }

    // A blocking call (or `calls` of them in a row) on the client, bounded. An overrun abandons the
    // client: it is disposed when the call returns.
    private bool Control(Action<IProducer<byte[]?, byte[]?>> call, int calls = 1)
    {
        var producer = _producer;
        var finished = _calls.Run(() => call(producer), calls * _bound, DisposeAbandoned(producer));
        if (!finished)
        {
            _abandoned = true;
        }

        return finished;
    }
}
