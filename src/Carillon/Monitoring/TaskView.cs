namespace Carillon.Monitoring;

/// <summary>One recurring task: its definition as the owner wrote it, its state and its last run.</summary>
public sealed class TaskView
{
    /// <summary>The task ID.</summary>
    public required string Id { get; init; }

    /// <summary>The cron expression, as declared (null if the owner that wrote the state predates definitions).</summary>
    public string? Cron { get; init; }

    /// <summary>The IANA or Windows time zone ID the cron is read in; null means UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>False while a disable command holds.</summary>
    public bool Enabled { get; init; }

    /// <summary>Whether a run may start while the previous one still runs.</summary>
    public bool AllowOverlap { get; init; }

    /// <summary>The run timeout, or null for none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>True when one instance of the cluster runs it (the default); false when every instance does.</summary>
    public bool Exclusive { get; init; } = true;

    /// <summary>The task's version (from <c>[ScheduleVersion]</c>).</summary>
    public string? Version { get; init; }

    /// <summary>The next occurrence after the last one recorded, computed with the runtime's cron rule; null if it never fires again or has no cron.</summary>
    public DateTimeOffset? NextOccurrence { get; init; }

    /// <summary>The latest run recorded in the execution log, if any.</summary>
    public RunView? LastRun { get; init; }

    /// <summary>
    /// How many occurrences are due and have not run (none recorded since), counted up to
    /// <see cref="ScheduleView.AsOf"/>; 0 when the task is on time or disabled.
    /// </summary>
    public int MissedOccurrences { get; init; }

    /// <summary>True when <see cref="MissedOccurrences"/> is at least one.</summary>
    public bool Overdue => MissedOccurrences > 0;
}
