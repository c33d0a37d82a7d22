namespace Carillon.Kafka.Transactions;

/// <summary>How one <see cref="TransactionalProducer.Execute"/> ended.</summary>
internal enum TransactionOutcome
{
    /// <summary>Everything written in the transaction is committed.</summary>
    Committed,

    /// <summary>A retriable failure: the transaction was aborted cleanly and the producer can start another one.
    /// Nothing of it is visible to <c>read_committed</c> readers; the caller redoes its work from committed state.</summary>
    Aborted,

    /// <summary>Another producer with the same <c>transactional.id</c> took over (<see cref="TransactionErrors.IsFenced"/>):
    /// this one must never write again. The caller stops writing for what it owned.</summary>
    Fenced,

    /// <summary>The producer is unusable: a fatal error, an abort that failed, or a call that overran its bound. The
    /// caller disposes it and builds a new one (whose <c>InitTransactions</c> aborts whatever this one left open).</summary>
    Broken,
}
