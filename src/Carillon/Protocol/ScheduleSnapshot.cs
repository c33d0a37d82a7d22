namespace Carillon.Protocol;

/// <summary>
/// The public view of a snapshot record on the schedules topic: which tasks the schedule's owner knows, whether they
/// are enabled, and how their last occurrence ended. Read with <see cref="ScheduleProtocol.TryReadSnapshot"/>.
/// </summary>
public sealed class ScheduleSnapshot
{
    internal ScheduleSnapshot(string scheduleVersion, long appliedThrough, string instance, DateTimeOffset at, IReadOnlyList<ScheduleTaskState> tasks, IReadOnlyList<ScheduleTaskDefinition> definitions)
    {
        Definitions = definitions;
        ScheduleVersion = scheduleVersion;
        AppliedThrough = appliedThrough;
        Instance = instance;
        At = at;
        Tasks = tasks;
    }

    /// <summary>The schedule version of the owner that wrote the snapshot.</summary>
    public string ScheduleVersion { get; }

    /// <summary>The offset of the last schedules record the snapshot reflects.</summary>
    public long AppliedThrough { get; }

    /// <summary>The instance that wrote the snapshot.</summary>
    public string Instance { get; }

    /// <summary>When the snapshot was taken.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Every task the owner knew.</summary>
    public IReadOnlyList<ScheduleTaskState> Tasks { get; }

    /// <summary>
    /// Every task the writer declares, per-instance ones included, as declared (issue 10); empty when the snapshot
    /// was written by a version that did not write definitions.
    /// </summary>
    public IReadOnlyList<ScheduleTaskDefinition> Definitions { get; }
}

/// <summary>A task's declaration as the owner wrote it into a <see cref="ScheduleSnapshot"/> (JSON <c>definitions</c>).</summary>
public sealed class ScheduleTaskDefinition
{
    internal ScheduleTaskDefinition(string id, string cron, string timeZone, bool allowOverlap, TimeSpan? timeout, bool exclusive, bool enabled, string version)
    {
        Id = id;
        Cron = cron;
        TimeZone = timeZone;
        AllowOverlap = allowOverlap;
        Timeout = timeout;
        Exclusive = exclusive;
        Enabled = enabled;
        Version = version;
    }

    /// <summary>The task ID.</summary>
    public string Id { get; }

    /// <summary>The cron expression, as declared.</summary>
    public string Cron { get; }

    /// <summary>The time-zone ID the expression is read in (<c>UTC</c> when none was declared).</summary>
    public string TimeZone { get; }

    /// <summary>Whether a run may start while the previous one still runs.</summary>
    public bool AllowOverlap { get; }

    /// <summary>The run timeout, or null for none.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>True when one instance of the cluster runs it; false when every instance does.</summary>
    public bool Exclusive { get; }

    /// <summary>Whether it is enabled when no command has said otherwise.</summary>
    public bool Enabled { get; }

    /// <summary>The task's version (<c>[ScheduleVersion]</c>).</summary>
    public string Version { get; }
}

/// <summary>One task in a <see cref="ScheduleSnapshot"/>.</summary>
public sealed class ScheduleTaskState
{
    internal ScheduleTaskState(string id, bool enabled, string version, DateTimeOffset? lastOccurrence, ScheduledRunOutcome? lastOutcome)
    {
        Id = id;
        Enabled = enabled;
        Version = version;
        LastOccurrence = lastOccurrence;
        LastOutcome = lastOutcome;
    }

    /// <summary>The task ID.</summary>
    public string Id { get; }

    /// <summary>False once a disable command was applied (until an enable).</summary>
    public bool Enabled { get; }

    /// <summary>The task's version as last stored.</summary>
    public string Version { get; }

    /// <summary>The last occurrence that has an outcome, or null.</summary>
    public DateTimeOffset? LastOccurrence { get; }

    /// <summary>How <see cref="LastOccurrence"/> ended, or null.</summary>
    public ScheduledRunOutcome? LastOutcome { get; }
}
