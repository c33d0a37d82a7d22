using System.Runtime.ExceptionServices;

namespace Carillon.Kafka;

/// <summary>
/// Runs blocking librdkafka calls with a hard bound. Some calls do not honour their own timeout: a transactional
/// producer's <c>SendOffsetsToTransaction</c> can block for minutes when the group coordinator disconnects
/// (https://github.com/confluentinc/librdkafka/issues/5456, https://github.com/confluentinc/librdkafka/issues/5511),
/// and the thread that called it is lost with it. Calls run one at a time on a <see cref="DedicatedThread"/> that is
/// reused from call to call (a thread per call cost a delayed dispatch about 2 ms at p50 and most of its garbage:
/// docs/benchmarks-delayed.md); a caller waits at most the bound and then gives the thread and the client up. The
/// abandoned thread ends when its call returns by itself, and the next call gets a new thread. See docs/liveness.md.
/// Not thread safe: one owner (a loop) makes its calls in turn.
/// </summary>
internal sealed class BoundedCall : IDisposable
{
    private readonly string _name;
    private CallThread? _thread;

    public BoundedCall(string name) => _name = name;

    /// <summary>One call on a thread of its own, for calls made rarely (a close, a first read of offsets).</summary>
    public static bool RunOnce(Action call, TimeSpan bound, Action? whenAbandonedCallReturns = null)
    {
        using var once = new BoundedCall("carillon-bounded-call");
        return once.Run(call, bound, whenAbandonedCallReturns);
    }

    /// <summary>
    /// Runs <paramref name="call"/>; rethrows its exception. Returns false when it overran <paramref name="bound"/>:
    /// the call is abandoned and <paramref name="whenAbandonedCallReturns"/> runs after it finally returns.
    /// </summary>
    public bool Run(Action call, TimeSpan bound, Action? whenAbandonedCallReturns = null)
    {
        var thread = _thread ??= new CallThread(_name);
        if (!thread.TryRun(call, bound, whenAbandonedCallReturns, out var failure))
        {
            _thread = null;
            return false;
        }

        failure?.Throw();
        return true;
    }

    /// <summary>
    /// Hands <paramref name="call"/> to this instance's thread and returns at once, so the caller can start the calls
    /// of other instances (one per client) and then wait for each with <see cref="Await"/>: the owners' loop commits its
    /// partitions' transactions concurrently this way (issue 11). Every <see cref="Start"/> must be followed by one
    /// <see cref="Await"/> before the next call on this instance. <paramref name="whenReturned"/>, when given, runs on
    /// this instance's thread once the call has returned and <see cref="Returned"/> is true (not for an abandoned call):
    /// a caller that keeps several calls in flight wakes up to collect the one that returned.
    /// </summary>
    public void Start(Action call, Action? whenReturned = null)
    {
        var thread = _thread ??= new CallThread(_name);
        thread.Hand(call, whenReturned);
    }

    /// <summary>True once the call handed by <see cref="Start"/> has returned: <see cref="Await"/> will not wait.</summary>
    public bool Returned => _thread?.Returned ?? true;

    /// <summary>
    /// Waits for the call handed by <see cref="Start"/>: as <see cref="Run"/>, rethrows its exception, and returns
    /// false when it overran <paramref name="bound"/> (counted from now).
    /// </summary>
    public bool Await(TimeSpan bound, Action? whenAbandonedCallReturns = null)
    {
        var thread = _thread ?? throw new InvalidOperationException("No call was started.");
        if (!thread.TryAwait(bound, whenAbandonedCallReturns, out var failure))
        {
            _thread = null;
            return false;
        }

        failure?.Throw();
        return true;
    }

    public void Dispose()
    {
        _thread?.Finish();
        _thread = null;
    }

    // One thread that runs the calls it is handed, one at a time, until it is finished or abandoned.
    private sealed class CallThread
    {
        private readonly object _gate = new();
        private readonly SemaphoreSlim _handed = new(0);
        private readonly ManualResetEventSlim _returned = new();
        private Action? _call;
        private Action? _whenReturned;
        private ExceptionDispatchInfo? _failure;
        private Action? _whenAbandonedCallReturns;
        private bool _abandoned;
        private bool _finished;

        public CallThread(string name) => DedicatedThread.Start(name, Loop);

        public bool Returned => _returned.IsSet;

        public bool TryRun(Action call, TimeSpan bound, Action? whenAbandonedCallReturns, out ExceptionDispatchInfo? failure)
        {
            Hand(call, null);
            return TryAwait(bound, whenAbandonedCallReturns, out failure);
        }

        public void Hand(Action call, Action? whenReturned)
        {
            _returned.Reset();
            _failure = null;
            _call = call;
            _whenReturned = whenReturned;
            _handed.Release();
        }

        public bool TryAwait(TimeSpan bound, Action? whenAbandonedCallReturns, out ExceptionDispatchInfo? failure)
        {
            if (_returned.Wait(bound))
            {
                failure = _failure;
                return true;
            }

            lock (_gate)
            {
                if (_returned.IsSet)
                {
                    // It returned between the timeout and the lock: not abandoned after all.
                    failure = _failure;
                    return true;
                }

                _abandoned = true;
                _whenAbandonedCallReturns = whenAbandonedCallReturns;
            }

            failure = null;
            return false;
        }

        public void Finish()
        {
            lock (_gate)
            {
                _finished = true;
            }

            _handed.Release();
        }

        private void Loop()
        {
            while (true)
            {
                _handed.Wait();
                Action? call;
                Action? whenReturned;
                lock (_gate)
                {
                    if (_finished)
                    {
                        return;
                    }

                    call = _call;
                    whenReturned = _whenReturned;
                    _call = null;
                    _whenReturned = null;
                }

                try
                {
                    call?.Invoke();
                }
                catch (Exception e)
                {
                    _failure = ExceptionDispatchInfo.Capture(e);
                }

                Action? afterwards;
                bool abandoned;
                lock (_gate)
                {
                    // Once set, the caller can no longer abandon this call (it checks under the same lock).
                    _returned.Set();
                    abandoned = _abandoned;
                    afterwards = _whenAbandonedCallReturns;
                }

                if (!abandoned)
                {
                    // Told after the event is set: whoever wakes up finds the call returned.
                    whenReturned?.Invoke();
                    continue;
                }

                // Abandoned: the caller has given this thread and its client up. Clean up and end.
                try
                {
                    afterwards?.Invoke();
                }
                catch (Exception)
                {
                    // Disposing a client that was given up: nothing is left to tell.
                }

                _returned.Dispose();
                _handed.Dispose();
                return;
            }
        }
    }
}
