namespace Carillon.Monitoring.Following;

/// <summary>
/// A change number bumped with every record the monitor takes in, and an await for the next bump: what lets the
/// dashboard push updates (server-sent events) instead of polling (issue 10, "live updates"). A bump with nobody
/// waiting costs one interlocked increment, so a catch-up over 100 k records allocates nothing here.
/// </summary>
internal sealed class ChangeSignal
{
    private long _version;
    private TaskCompletionSource? _next;

    public long Version => Interlocked.Read(ref _version);

    public void Bump()
    {
        Interlocked.Increment(ref _version);
        if (Volatile.Read(ref _next) is { } waiting && Interlocked.CompareExchange(ref _next, null, waiting) == waiting)
        {
            waiting.TrySetResult();
        }
    }

    /// <summary>Completes with the current number as soon as it differs from <paramref name="known"/> (at once if it already does).</summary>
    public async Task<long> WaitAsync(long known, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = Version;
            if (current != known)
            {
                return current;
            }

            var next = Volatile.Read(ref _next);
            if (next is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                next = Interlocked.CompareExchange(ref _next, created, null) ?? created;
            }

            // A bump between the read above and publishing the waiter would be lost: look again before waiting.
            if (Version != known)
            {
                continue;
            }

            await next.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
