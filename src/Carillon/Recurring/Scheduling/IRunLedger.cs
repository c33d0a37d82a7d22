using Carillon.Recurring.State;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// Where the engine persists its decisions. The Kafka implementation writes through the owner's transactional
/// producer (fenced by a newer owner); tests use an in-memory one.
/// </summary>
internal interface IRunLedger
{
    /// <summary>Persists a claim; true once it is durable (committed). False: the run must not start.</summary>
    ValueTask<bool> ClaimAsync(ClaimRecord claim, CancellationToken cancellationToken);

    /// <summary>Persists an outcome and its execution-log record; false when it could not be written.</summary>
    ValueTask<bool> RecordAsync(OutcomeRecord outcome, CancellationToken cancellationToken);
}
