namespace Carillon.Simulation;

/// <summary>Settings of an <see cref="InMemoryScheduleRunner"/>.</summary>
public sealed class InMemoryScheduleRunnerOptions
{
    /// <summary>The instance ID in contexts and outcomes; default <c>simulated</c>.</summary>
    public string InstanceId { get; set; } = "simulated";

    /// <summary>How long before an occurrence it is claimed, as <c>Carillon:Recurring:ClaimLead</c>; default 200 ms.</summary>
    public TimeSpan ClaimLead { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// When true, a scheduled method starts on the thread that fired its start (a simulated clock's caller) instead of
    /// the thread pool: a step whose methods complete synchronously then runs on one thread, with no hand-over. For a
    /// clock that moves only when told; a method that blocks its thread on that clock or on the caller would hang it.
    /// Default false, as in production.
    /// </summary>
    public bool StartMethodsInline { get; set; }

    /// <summary>
    /// Whether <see cref="InMemoryScheduleRunner.Outcomes"/> and <see cref="InMemoryScheduleRunner.Claims"/> keep every
    /// record (default true). False keeps none (both stay empty; <see cref="InMemoryScheduleRunner.OutcomeRecorded"/>
    /// still reports each outcome): for long simulations, where a year of a minutely task would otherwise hold over a
    /// million records in memory and the garbage collector would spend much of its time on them.
    /// </summary>
    public bool KeepHistory { get; set; } = true;
}
