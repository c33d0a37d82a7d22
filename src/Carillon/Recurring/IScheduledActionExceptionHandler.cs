namespace Carillon;

/// <summary>
/// Optional hook called when a scheduled method throws (after each attempt is recorded as <see cref="ScheduledRunOutcome.Failed"/>).
/// Register any number of implementations in the service collection. Exceptions thrown by a handler are logged and ignored.
/// </summary>
public interface IScheduledActionExceptionHandler
{
    /// <summary>Called once per failed attempt (unless <see cref="OnAttemptFailedAsync"/> is implemented).</summary>
    ValueTask OnExceptionAsync(ScheduledActionContext context, Exception exception, CancellationToken cancellationToken);

    /// <summary>
    /// Called once per failed attempt with whether another follows: <paramref name="retryAt"/> is when the next attempt
    /// of the same occurrence is due, or null when this was the last one (no retries left, or none configured). The
    /// attempt number is <see cref="ScheduledActionContext.Attempt"/>. By default calls <see cref="OnExceptionAsync"/>.
    /// </summary>
    ValueTask OnAttemptFailedAsync(ScheduledActionContext context, Exception exception, DateTimeOffset? retryAt, CancellationToken cancellationToken)
        => OnExceptionAsync(context, exception, cancellationToken);
}
