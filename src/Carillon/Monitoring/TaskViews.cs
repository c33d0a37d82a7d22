using Carillon.Monitoring.Following;

namespace Carillon.Monitoring;

/// <summary>One task's view from what the schedules topic says and its newest execution-log record: pure, so testable with any clock.</summary>
internal static class TaskViews
{
    public static TaskView Build(ScheduleModel model, string id, RunView? lastRun, DateTimeOffset now)
    {
        model.Definitions.TryGetValue(id, out var definition);
        model.State.Tasks.TryGetValue(id, out var state);
        var exclusive = definition?.Exclusive ?? true;

        // Commands reach exclusive tasks only (the owner applies them); per-instance tasks keep their declared flag.
        var enabled = exclusive ? state?.Enabled ?? definition?.Enabled ?? true : definition?.Enabled ?? true;

        // The owner's cursor for exclusive tasks (manual triggers do not move it); per-instance tasks have only their log.
        var last = exclusive
            ? Later(state?.LastOccurrence, lastRun is { Trigger: not ScheduledRunTrigger.Manual } run ? run.Occurrence : null)
            : lastRun?.Occurrence;
        var schedule = OccurrenceForecast.TryParse(definition?.Cron, definition?.TimeZone);
        return new TaskView
        {
            Id = id,
            Cron = definition?.Cron,
            TimeZone = definition?.TimeZone,
            Enabled = enabled,
            AllowOverlap = definition?.AllowOverlap ?? false,
            Timeout = definition?.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Exclusive = exclusive,
            Version = definition?.Version ?? (string.IsNullOrEmpty(state?.Version) ? null : state.Version),
            NextOccurrence = schedule is null ? null : OccurrenceForecast.Next(schedule, last, now),
            LastRun = lastRun,

            // Without a recorded occurrence, the owner's takeover is when the task should have started running.
            MissedOccurrences = schedule is null || !exclusive ? 0 : OccurrenceForecast.Missed(schedule, last ?? model.OwnerSince, enabled, now),
        };
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
