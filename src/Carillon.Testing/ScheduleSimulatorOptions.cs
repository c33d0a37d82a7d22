namespace Carillon.Testing;

/// <summary>Settings of a <see cref="ScheduleSimulator"/>.</summary>
public sealed class ScheduleSimulatorOptions
{
    /// <summary>The instance ID runs see; default <c>simulated</c>.</summary>
    public string InstanceId { get; set; } = "simulated";

    /// <summary>The claim lead, as <c>Carillon:Recurring:ClaimLead</c> (200 ms by default).</summary>
    public TimeSpan ClaimLead { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Real time a started run may go on without the schedule doing anything before the clock moves on without it (a
    /// run waiting for its timeout, for the simulated clock, or for the test); default 250 ms. Runs that finish never
    /// cost it, and the clock never moves past a run whose method has not started yet.
    /// </summary>
    public TimeSpan RunSettleTime { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Whether a scheduled method starts on the simulator's own thread, as the clock reaches its start (default true):
    /// a step whose methods complete synchronously then runs on one thread, without hand-overs, which is what makes a
    /// year of a minutely task take seconds. Asynchronous methods are unaffected past their first await. Set it to false
    /// for a method that blocks its thread until the simulated clock moves or the test acts (sync-over-async on the
    /// clock, a blocking wait on a test's event): on the simulator's thread that would hang the step.
    /// </summary>
    public bool StartMethodsInline { get; set; } = true;

    /// <summary>
    /// Whether the simulator keeps every outcome and claim (default true): <see cref="ScheduleSimulator.AdvanceToAsync"/>
    /// returns them and <see cref="ScheduleSimulator.Outcomes"/> and <c>Runner.Claims</c> list them. False keeps none
    /// (those lists stay empty; count or check outcomes as they happen with <c>Runner.OutcomeRecorded</c>): for long
    /// simulations, where a year of a minutely task would hold over a million records and the garbage collector would
    /// spend much of its time on them (docs/testing.md, "Figures").
    /// </summary>
    public bool KeepHistory { get; set; } = true;

    /// <summary>Real time allowed for the schedule to come to rest before a step fails with a <see cref="TimeoutException"/>; default 60 s.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
