namespace Carillon.Testing;

/// <summary>Settings of a <see cref="ScheduleSimulator"/>.</summary>
public sealed class ScheduleSimulatorOptions
{
    /// <summary>The instance ID runs see; default <c>simulated</c>.</summary>
    public string InstanceId { get; set; } = "simulated";

    /// <summary>The claim lead, as <c>Carillon:Recurring:ClaimLead</c> (200 ms by default).</summary>
    public TimeSpan ClaimLead { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Real time a run may go on without anything happening before the clock moves on without it (a run waiting for
    /// its timeout, or for the simulated clock itself); default 20 ms. Runs that finish never cost it.
    /// </summary>
    public TimeSpan RunSettleTime { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Real time allowed for the schedule to come to rest before a step fails with a <see cref="TimeoutException"/>; default 60 s.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
