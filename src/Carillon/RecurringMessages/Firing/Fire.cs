namespace Carillon.RecurringMessages.Firing;

/// <summary>Why an occurrence fires; written in the trace header <c>carillon-recurring-trigger</c>.</summary>
internal enum FireReason
{
    /// <summary>On time (within the misfire threshold).</summary>
    Scheduled,

    /// <summary>The latest occurrence missed while no owner ran, fired once (<see cref="MisfirePolicy.RunOnce"/>).</summary>
    Misfire,

    /// <summary>A trigger command.</summary>
    Manual,
}

/// <summary>One occurrence to produce: the schedule, its occurrence time, and the trigger command it answers, if any.</summary>
internal readonly record struct Fire(ScheduleEntry Entry, DateTimeOffset Occurrence, FireReason Reason, long? TriggerOffset);
