namespace Carillon.Recurring.Scheduling;

/// <summary>
/// A timer on the <see cref="TimeProvider"/> that something else is waited for alongside (a run's timeout). Unlike a
/// <see cref="ClockWait"/> it does not park its owner, whose work goes on; once it fires it counts as work of its own
/// (on the firing thread, before anyone resumes) until it is disposed, so a simulator never takes a fired timeout for
/// rest (issue 13).
/// </summary>
internal sealed class ClockAlarm : IDisposable
{
    private const int Pending = 0;
    private const int Fired = 1;
    private const int Closed = 2;

    private readonly TaskCompletionSource _fired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IScheduleEngineObserver? _observer;
    private readonly ITimer _timer;
    private int _state;

    public ClockAlarm(TimeProvider time, TimeSpan delay, IScheduleEngineObserver? observer)
    {
        _observer = observer;
        _timer = time.CreateTimer(static s => ((ClockAlarm)s!).Fire(), this, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Completes when the alarm fires.</summary>
    public Task Task => _fired.Task;

    public void Dispose()
    {
        _timer.Dispose();
        if (Interlocked.Exchange(ref _state, Closed) == Fired)
        {
            _observer?.WorkEnded();
        }
    }

    private void Fire()
    {
        // Counted before it can be seen as fired, so the count never dips.
        _observer?.WorkStarted();
        if (Interlocked.CompareExchange(ref _state, Fired, Pending) != Pending)
        {
            _observer?.WorkEnded();
            return;
        }

        _fired.TrySetResult();
    }
}
