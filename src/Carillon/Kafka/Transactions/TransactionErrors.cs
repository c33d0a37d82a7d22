using Confluent.Kafka;

namespace Carillon.Kafka.Transactions;

/// <summary>The one fencing rule every transactional writer of Carillon follows.</summary>
internal static class TransactionErrors
{
    /// <summary>
    /// True when the broker says another producer with this <c>transactional.id</c> is newer (or this one may not use
    /// it): writing on would be a zombie's write. Anything else that is fatal only makes this client unusable.
    /// </summary>
    public static bool IsFenced(Error error) => error.Code is ErrorCode.ProducerFenced
        or ErrorCode.Local_Fenced
        or ErrorCode.InvalidProducerEpoch
        or ErrorCode.TransactionalIdAuthorizationFailed;
}
