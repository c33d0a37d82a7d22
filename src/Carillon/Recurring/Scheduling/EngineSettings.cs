namespace Carillon.Recurring.Scheduling;

/// <summary>How an engine runs: identity, versions and timing. Whether its claims are written is the ledger's business
/// (<see cref="Local.LogOnlyLedger"/> accepts them without a write).</summary>
/// <param name="InstanceId">This process's identity in claims and outcomes.</param>
/// <param name="ScheduleVersion">The version of the schedule the engine runs.</param>
/// <param name="ClaimLead">How long before an occurrence the engine wakes to claim it.</param>
/// <param name="StartMethodsInline">
/// False in production: each method starts on the thread pool, so a synchronous one never holds up the timers. The
/// simulator's frozen clock has nothing to hold up: there a method starts on the thread that fired its start, so a step
/// whose methods complete synchronously runs on one thread, without a hand-over (issue 13).
/// </param>
/// <param name="NewRunId">
/// Null in production: each claim's run ID is a new GUID (32 hex digits). The simulator gives its own, in the same form
/// and unique within it, without the system random source a GUID reads on every claim (issue 13).
/// </param>
internal sealed record EngineSettings(string InstanceId, string ScheduleVersion, TimeSpan ClaimLead, bool StartMethodsInline = false, Func<string>? NewRunId = null);
