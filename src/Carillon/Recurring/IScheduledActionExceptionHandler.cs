namespace Carillon;

/// <summary>
/// Optional hook called when a scheduled method throws (after the run is recorded as <see cref="ScheduledRunOutcome.Failed"/>).
/// Register any number of implementations in the service collection. Exceptions thrown by a handler are logged and ignored.
/// </summary>
public interface IScheduledActionExceptionHandler
{
    /// <summary>Called once per failed run.</summary>
    ValueTask OnExceptionAsync(ScheduledActionContext context, Exception exception, CancellationToken cancellationToken);
}
