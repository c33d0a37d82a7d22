namespace Carillon.Monitoring;

/// <summary>One run of a task, from the execution log.</summary>
public sealed class RunView
{
    /// <summary>The task that ran.</summary>
    public required string TaskId { get; init; }

    /// <summary>The occurrence it ran for (for a trigger, the time of the command).</summary>
    public required DateTimeOffset Occurrence { get; init; }

    /// <summary>When the method was entered.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>How long it ran.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>How it ended.</summary>
    public required ScheduledRunOutcome Outcome { get; init; }

    /// <summary>What started it: its schedule, a trigger command, or a misfire catch-up.</summary>
    public required ScheduledRunTrigger Trigger { get; init; }

    /// <summary>The instance that ran it.</summary>
    public required string Instance { get; init; }

    /// <summary>The attempt of this occurrence (1 for the first).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The exception type of a failed run.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The exception message of a failed run, as read from Kafka: escape it before display.</summary>
    public string? ErrorMessage { get; init; }
}
