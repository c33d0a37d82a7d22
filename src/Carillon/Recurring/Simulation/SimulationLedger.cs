using Carillon.Protocol;
using Carillon.Recurring.Scheduling;
using Carillon.Recurring.State;

namespace Carillon.Simulation;

/// <summary>
/// One ownership term's ledger in memory. Once fenced (its term stopped, as a newer owner fences a dead one in Kafka)
/// nothing more is claimed or recorded, so a run the old term left behind cannot write after the new term began.
/// </summary>
internal sealed class SimulationLedger(InMemoryScheduleRunner runner, TimeProvider time, bool recordsClaims) : IRunLedger
{
    private volatile bool _fenced;

    public void Fence() => _fenced = true;

    public ValueTask<bool> ClaimAsync(ClaimRecord claim, CancellationToken cancellationToken)
    {
        if (_fenced)
        {
            return ValueTask.FromResult(false);
        }

        if (recordsClaims)
        {
            runner.Add(claim, time.GetUtcNow());
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask<bool> RecordAsync(OutcomeRecord outcome, CancellationToken cancellationToken)
    {
        if (_fenced)
        {
            return ValueTask.FromResult(false);
        }

        runner.Add(outcome);
        return ValueTask.FromResult(true);
    }
}
