using System.Collections.Concurrent;

namespace Carillon.Dashboard.Tests.Doubles;

/// <summary>Records every command the dashboard writes; refuses IDs it does not know, like the runtime does.</summary>
public sealed class RecordingScheduleCommands(params string[] knownTaskIds) : IScheduleCommands
{
    public ConcurrentQueue<(string Command, string TaskId)> Written { get; } = new();

    /// <summary>Called after each command is recorded: a browser test plays the owner (applies it to the read model).</summary>
    public Action<string, string>? OnWritten { get; set; }

    public Task EnableAsync(string taskId, CancellationToken cancellationToken = default) => Record("enable", taskId);

    public Task DisableAsync(string taskId, CancellationToken cancellationToken = default) => Record("disable", taskId);

    public Task TriggerAsync(string taskId, CancellationToken cancellationToken = default) => Record("trigger", taskId);

    private Task Record(string command, string taskId)
    {
        if (taskId != IScheduleCommands.AllTasks && !knownTaskIds.Contains(taskId))
        {
            throw new ArgumentException($"Unknown task ID '{taskId}'.", nameof(taskId));
        }

        Written.Enqueue((command, taskId));
        OnWritten?.Invoke(command, taskId);
        return Task.CompletedTask;
    }
}
