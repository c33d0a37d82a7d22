namespace Carillon.Protocol;

/// <summary>
/// The verb of a command record on the schedules topic (JSON <c>"command"</c>: <c>"enable"</c>, <c>"disable"</c>,
/// <c>"trigger"</c>, in any letter case); see docs/wire-format.md.
/// </summary>
public enum ScheduleCommand
{
    /// <summary>Enable the task (or every task for <c>*</c>); persists across restarts.</summary>
    Enable,

    /// <summary>Disable the task (or every task for <c>*</c>); its occurrences are skipped until enabled again.</summary>
    Disable,

    /// <summary>Run the task (or every task for <c>*</c>) once now, even when disabled.</summary>
    Trigger,
}
