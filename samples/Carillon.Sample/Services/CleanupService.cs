using Carillon;

namespace Carillon.Sample.Services;

/// <summary>A static task: nothing to resolve; it receives the run's context and cancellation token.</summary>
public static class CleanupService
{
    [ScheduledAction("@hourly", Id = "cleanup.temp-files", Timeout = 300)]
    public static async Task PurgeTempFiles(ScheduledActionContext context, CancellationToken cancellationToken)
    {
        Console.WriteLine($"[{context.TaskId}] purging temp files (lateness {context.Lateness.TotalMilliseconds:F0} ms)");
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
