namespace Carillon.Simulation;

/// <summary>Settings of an <see cref="InMemoryScheduleRunner"/>.</summary>
public sealed class InMemoryScheduleRunnerOptions
{
    /// <summary>The instance ID in contexts and outcomes; default <c>simulated</c>.</summary>
    public string InstanceId { get; set; } = "simulated";

    /// <summary>How long before an occurrence it is claimed, as <c>Carillon:Recurring:ClaimLead</c>; default 200 ms.</summary>
    public TimeSpan ClaimLead { get; set; } = TimeSpan.FromMilliseconds(200);
}
