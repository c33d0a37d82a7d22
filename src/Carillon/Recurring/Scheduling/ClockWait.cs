namespace Carillon.Recurring.Scheduling;

/// <summary>
/// One wait on a <see cref="TimeProvider"/> timer that tells the observer when it parks (after its timer is registered)
/// and when it wakes (on the thread that fired the timer or cancelled the wait, before the waiter resumes). The waiter
/// resumes on that thread too, as after <c>Task.Delay</c>: a thread-pool timer thread in production, the simulator's
/// thread under its clock, which so runs each step of the engine itself instead of handing it to the pool (issue 13).
/// </summary>
internal sealed class ClockWait : IDisposable
{
    private readonly TaskCompletionSource _done = new();
    private readonly IScheduleEngineObserver? _observer;
    private readonly CancellationToken _token;
    private readonly ITimer _timer;
    private readonly CancellationTokenRegistration _registration;
    private int _woken;

    public ClockWait(TimeProvider time, TimeSpan delay, CancellationToken token, IScheduleEngineObserver? observer)
    {
        _observer = observer;
        _token = token;
        _timer = time.CreateTimer(static s => ((ClockWait)s!).Wake(cancelled: false), this, delay, Timeout.InfiniteTimeSpan);

        // Parked only now that the timer is registered. Should it have fired already, the wake was counted first: the
        // count went up, then down, never below what it was.
        observer?.WaitStarted();
        _registration = token.UnsafeRegister(static s => ((ClockWait)s!).Wake(cancelled: true), this);
    }

    /// <summary>Completes when the timer fires; cancelled with the token.</summary>
    public Task Task => _done.Task;

    public void Dispose()
    {
        _timer.Dispose();
        _registration.Unregister();
    }

    private void Wake(bool cancelled)
    {
        if (Interlocked.Exchange(ref _woken, 1) != 0)
        {
            return;
        }

        _observer?.WaitEnded();
        if (cancelled)
        {
            _done.TrySetCanceled(_token);
        }
        else
        {
            _done.TrySetResult();
        }
    }
}
