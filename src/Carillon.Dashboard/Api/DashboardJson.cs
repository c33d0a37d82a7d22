using System.Text.Json;
using System.Text.Json.Serialization;
using Carillon.Monitoring;

namespace Carillon.Dashboard.Api;

// The JSON the dashboard serves: its own small contract (documented in docs/dashboard.md), mapped from the read model so
// the wire shape stays stable when the read model grows. camelCase; enums as camelCase strings; durations in
// milliseconds; times as ISO 8601 with offset.

internal sealed record DashboardInfo(bool CommandsEnabled, int RefreshIntervalMs, int MaxRuns, string? AntiforgeryHeader, string? AntiforgeryToken);

internal sealed record ScheduleDto(DateTimeOffset AsOf, OwnerDto Owner, IReadOnlyList<TaskDto> Tasks);

internal sealed record OwnerDto(string? Instance, DateTimeOffset? Since, string? ScheduleVersion, int? StandbyCount);

internal sealed record TaskDto(
    string Id,
    string? Cron,
    string? TimeZone,
    bool Enabled,
    bool AllowOverlap,
    double? TimeoutMs,
    bool Exclusive,
    string? Version,
    DateTimeOffset? NextOccurrence,
    RunDto? LastRun,
    int MissedOccurrences,
    bool Overdue);

internal sealed record TaskDetailDto(DateTimeOffset AsOf, TaskDto Task, IReadOnlyList<RunDto> Runs);

internal sealed record RunDto(
    string TaskId,
    DateTimeOffset Occurrence,
    DateTimeOffset Start,
    double DurationMs,
    double LatenessMs,
    string Outcome,
    string Trigger,
    string Instance,
    int Attempt,
    string? ErrorType,
    string? ErrorMessage);

internal sealed record DelayedDto(DateTimeOffset AsOf, long Pending, long Dispatched, long DeadLettered, IReadOnlyList<DelayedPartitionDto> Partitions);

internal sealed record DelayedPartitionDto(int Partition, long Pending, DateTimeOffset? NextDue, DateTimeOffset? OldestPending, long Dispatched, long DeadLettered);

internal sealed record DeadLetterDto(string Reason, string? TargetTopic, string? ScheduleKey, DateTimeOffset? DeliverAt, DateTimeOffset At, int SourcePartition, long SourceOffset);

internal sealed record RecurringMessageDto(
    string Name,
    string Cron,
    string? TimeZone,
    string TargetTopic,
    bool Enabled,
    string MisfirePolicy,
    DateTimeOffset? StartAt,
    DateTimeOffset? EndAt,
    string? Description,
    DateTimeOffset? NextOccurrence,
    DateTimeOffset? LastOccurrence,
    DateTimeOffset? LastTriggeredAt,
    string? LastInstance,
    int PendingTriggers,
    int Partition);

internal sealed record RecurringMessagesDto(DateTimeOffset AsOf, IReadOnlyList<RecurringMessageDto> Schedules);

internal sealed record ChangeNotice(long Version);

internal sealed record CancelRequest(string? ScheduleKey);

internal sealed record CommandAccepted(string Command, string Target);

internal sealed record DashboardError(string Error);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DashboardInfo))]
[JsonSerializable(typeof(ScheduleDto))]
[JsonSerializable(typeof(TaskDetailDto))]
[JsonSerializable(typeof(IReadOnlyList<RunDto>))]
[JsonSerializable(typeof(DelayedDto))]
[JsonSerializable(typeof(IReadOnlyList<DeadLetterDto>))]
[JsonSerializable(typeof(RecurringMessagesDto))]
[JsonSerializable(typeof(ChangeNotice))]
[JsonSerializable(typeof(CancelRequest))]
[JsonSerializable(typeof(CommandAccepted))]
[JsonSerializable(typeof(DashboardError))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;

/// <summary>Maps the read model's views to the dashboard's JSON contract.</summary>
internal static class DashboardMapping
{
    public static ScheduleDto ToDto(this ScheduleView view) => new(
        view.AsOf,
        new OwnerDto(view.OwnerInstance, view.OwnerSince, view.ScheduleVersion, view.StandbyCount),
        view.Tasks.Select(ToDto).ToList());

    public static TaskDto ToDto(this TaskView task) => new(
        task.Id,
        task.Cron,
        task.TimeZone,
        task.Enabled,
        task.AllowOverlap,
        task.Timeout?.TotalMilliseconds,
        task.Exclusive,
        task.Version,
        task.NextOccurrence,
        task.LastRun?.ToDto(),
        task.MissedOccurrences,
        task.Overdue);

    public static RunDto ToDto(this RunView run) => new(
        run.TaskId,
        run.Occurrence,
        run.Start,
        run.Duration.TotalMilliseconds,
        (run.Start - run.Occurrence).TotalMilliseconds,
        CamelCase(run.Outcome.ToString()),
        CamelCase(run.Trigger.ToString()),
        run.Instance,
        run.Attempt,
        run.ErrorType,
        run.ErrorMessage);

    public static RecurringMessagesDto RecurringMessagesDto(this ScheduleView view) => new(
        view.AsOf,
        view.RecurringMessages.Select(m => new RecurringMessageDto(
            m.Name,
            m.Cron,
            m.TimeZone,
            m.TargetTopic,
            m.Enabled,
            CamelCase(m.MisfirePolicy.ToString()),
            m.StartAt,
            m.EndAt,
            m.Description,
            m.NextOccurrence,
            m.LastOccurrence,
            m.LastTriggeredAt,
            m.LastInstance,
            m.PendingTriggers,
            m.Partition)).ToList());

    public static DelayedDto ToDto(this DelayedView view) => new(
        view.AsOf,
        view.Pending,
        view.Dispatched,
        view.DeadLettered,
        view.Partitions.Select(p => new DelayedPartitionDto(p.Partition, p.Pending, p.NextDue, p.OldestPending, p.Dispatched, p.DeadLettered)).ToList());

    public static DeadLetterDto ToDto(this DeadLetterView letter) => new(
        letter.Reason, letter.TargetTopic, letter.ScheduleKey, letter.DeliverAt, letter.At, letter.SourcePartition, letter.SourceOffset);

    private static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
