namespace Carillon.Simulation;

/// <summary>A claim an <see cref="InMemoryScheduleRunner"/> made before starting an attempt.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Occurrence">The occurrence (or trigger time).</param>
/// <param name="Attempt">The attempt of the occurrence, 1 for the first.</param>
/// <param name="Trigger">Why it runs.</param>
/// <param name="ClaimedAt">The clock's time when it was claimed.</param>
public sealed record SimulatedClaim(string TaskId, DateTimeOffset Occurrence, int Attempt, ScheduledRunTrigger Trigger, DateTimeOffset ClaimedAt);
