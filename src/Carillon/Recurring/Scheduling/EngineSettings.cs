namespace Carillon.Recurring.Scheduling;

/// <summary>How an engine runs: identity, versions and timing. Whether its claims are written is the ledger's business
/// (<see cref="Local.LogOnlyLedger"/> accepts them without a write).</summary>
/// <param name="InstanceId">This process's identity in claims and outcomes.</param>
/// <param name="ScheduleVersion">The version of the schedule the engine runs.</param>
/// <param name="ClaimLead">How long before an occurrence the engine wakes to claim it.</param>
internal sealed record EngineSettings(string InstanceId, string ScheduleVersion, TimeSpan ClaimLead);
