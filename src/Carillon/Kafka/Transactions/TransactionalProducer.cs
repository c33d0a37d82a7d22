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
    private readonly BoundedCall _calls = new("carillon-transaction");
    private TransactionOutcome? _terminal;
    private bool _abandoned;
    private bool _disposed;
    private bool _committing;
    private TransactionOutcome? _settled;

    private TransactionalProducer(IProducer<byte[]?, byte[]?> producer, TimeSpan timeout)
    {
        _producer = producer;
        _timeout = timeout;

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
    /// </summary>
    public static TransactionalProducer Create(ProducerBuilder<byte[]?, byte[]?> builder, TimeSpan timeout)
        => Create(builder.Build(), timeout);

    /// <summary>
    /// Runs <c>InitTransactions</c> on a client built earlier (issue 14: a standby builds its client ahead, so that a
    /// takeover pays only for the fencing call). A transactional client does not contact the transaction coordinator
    /// until <c>InitTransactions</c>, so building it ahead fences nobody. Takes ownership of <paramref name="client"/>:
    /// it is disposed when the call fails.
    /// </summary>
    public static TransactionalProducer Create(IProducer<byte[]?, byte[]?> client, TimeSpan timeout)
    {
        var producer = new TransactionalProducer(client, timeout);
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
    /// Runs one transaction: <paramref name="write"/> produces its records (a <see cref="KafkaException"/> it throws
    /// aborts the transaction), then <paramref name="offsets"/> are sent for <paramref name="group"/> and the
    /// transaction is committed. A retriable commit failure is retried once before the transaction is aborted.
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
            _producer.BeginTransaction();
            write(_producer);
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
                    }

                    step = nameof(IProducer<byte[], byte[]>.CommitTransaction);
                    Commit(p);
                }, 3))
            {
                return Stuck(step);
            }

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
    /// The first half of a transaction run concurrently with other producers' (issue 11): begins it, runs
    /// <paramref name="write"/> on the caller's thread, and hands the commit to this producer's call thread without
    /// waiting for it. The caller then starts other producers' transactions and collects each outcome with
    /// <see cref="AwaitCommit"/>, which must be called once before this producer is used again. Same rules as
    /// <see cref="Execute"/> (without offsets): a <see cref="KafkaException"/> from <paramref name="write"/> aborts, a
    /// retriable commit failure is retried once. <paramref name="committed"/> runs on the call thread as soon as the commit
    /// returned (so the caller can note when, whatever else it was waiting for).
    /// </summary>
    public void StartCommit(Action<IProducer<byte[]?, byte[]?>> write, Action? committed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committing || _settled is not null)
        {
            throw new InvalidOperationException("The previous transaction's outcome was not collected.");
        }

        if (_terminal is { } terminal)
        {
            _settled = terminal;
            return;
        }

        try
        {
            _producer.BeginTransaction();
            write(_producer);
        }
        catch (KafkaException e)
        {
            _settled = Fail(e);
            return;
        }
        catch
        {
            AbortQuietly();
            throw;
        }

        var producer = _producer;
        _calls.Start(() =>
        {
            Commit(producer);
            committed?.Invoke();
        });
        _committing = true;
    }

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
            // Two commits at most (a retriable failure is retried once), each bounded by librdkafka's own timeout.
            finished = _calls.Await(_bound + _timeout, DisposeAbandoned(_producer));
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

    private void Commit(IProducer<byte[]?, byte[]?> producer)
    {
        try
        {
            producer.CommitTransaction(_timeout);
        }
        catch (KafkaRetriableException)
        {
            // librdkafka: a retriable commit failure leaves the transaction as it was; committing again is allowed.
            producer.CommitTransaction(_timeout);
        }
    }

    private TransactionOutcome Fail(KafkaException e)
    {
        LastError = e.Error;
        if (TransactionErrors.IsFenced(e.Error))
        {
            _terminal = TransactionOutcome.Fenced;
            return TransactionOutcome.Fenced;
        }

        if (e.Error.IsFatal)
        {
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
