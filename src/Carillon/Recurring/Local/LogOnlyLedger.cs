using Carillon.Recurring.Ownership;
using Carillon.Recurring.Scheduling;
using Carillon.Recurring.State;
using Confluent.Kafka;

namespace Carillon.Recurring.Local;

/// <summary>
/// The ledger of per-instance (<c>Exclusive = false</c>) tasks: nothing to claim (every instance runs them), so every
/// claim is accepted without a write and stays in the engine's own in-memory state; outcomes go to the logs topic only,
/// with a plain producer.
/// </summary>
internal sealed class LogOnlyLedger(IProducer<byte[], byte[]> producer, string logsTopic) : IRunLedger
{
    public ValueTask<bool> ClaimAsync(ClaimRecord claim, CancellationToken cancellationToken) => ValueTask.FromResult(true);

    public async ValueTask<bool> RecordAsync(OutcomeRecord outcome, CancellationToken cancellationToken)
    {
        try
        {
            await producer.ProduceAsync(logsTopic, StateMessages.Log(outcome), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KafkaException)
        {
            return false;
        }
    }
}
