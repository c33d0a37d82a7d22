namespace Carillon;

/// <summary>Why a run started.</summary>
public enum ScheduledRunTrigger
{
    /// <summary>The cron occurrence came due.</summary>
    Schedule = 0,

    /// <summary>A missed occurrence run at takeover (<see cref="MisfirePolicy.RunOnce"/>).</summary>
    Misfire = 1,

    /// <summary>A trigger command.</summary>
    Manual = 2,
}

/// <summary>Describes the run in progress; a scheduled method may take it as a parameter.</summary>
public sealed class ScheduledActionContext
{
    /// <summary>Creates a context.</summary>
    public ScheduledActionContext(string taskId, DateTimeOffset occurrence, DateTimeOffset firedAt, string instanceId, ScheduledRunTrigger trigger = ScheduledRunTrigger.Schedule, long attempt = 1)
    {
        TaskId = taskId;
        Occurrence = occurrence;
        FiredAt = firedAt;
        InstanceId = instanceId;
        Trigger = trigger;
        Attempt = attempt;
    }

    /// <summary>The task ID.</summary>
    public string TaskId { get; }

    /// <summary>The cron occurrence this run belongs to (for a manual trigger, the time of the trigger).</summary>
    public DateTimeOffset Occurrence { get; }

    /// <summary>When the run actually started.</summary>
    public DateTimeOffset FiredAt { get; }

    /// <summary>The instance running the task.</summary>
    public string InstanceId { get; }

    /// <summary>Why the run started.</summary>
    public ScheduledRunTrigger Trigger { get; }

    /// <summary>
    /// The attempt of this occurrence: 1 for the first, 2 for the first retry, and so on (see
    /// <see cref="ScheduledActionAttribute.Retries"/>). Before 0.3.0 this counted the current owner's runs of the task.
    /// </summary>
    public long Attempt { get; }

    /// <summary>Lateness of the start against the occurrence.</summary>
    public TimeSpan Lateness => FiredAt - Occurrence;
}
