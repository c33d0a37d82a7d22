namespace Carillon;

/// <summary>What happens to occurrences that were due while no instance owned the schedule.</summary>
public enum MisfirePolicy
{
    /// <summary>Run the latest missed occurrence once at takeover.</summary>
    RunOnce = 0,

    /// <summary>Ignore missed occurrences and wait for the next one.</summary>
    Skip = 1,
}
