using System.Runtime.ExceptionServices;

namespace Carillon.Kafka;

/// <summary>
/// Runs a blocking librdkafka call with a hard bound. Some calls do not honour their own timeout: a transactional
/// producer's <c>SendOffsetsToTransaction</c> can block for minutes when the group coordinator disconnects
/// (https://github.com/confluentinc/librdkafka/issues/5456, https://github.com/confluentinc/librdkafka/issues/5511), and the thread that called it is lost with it. The call runs on a thread of
/// its own; a caller waits at most <c>bound</c> and then gives up on the client, which is disposed once the call
/// returns by itself. See docs/liveness.md.
/// </summary>
internal static class BoundedCall
{
    /// <summary>
    /// Runs <paramref name="call"/>; rethrows its exception. Returns false when it overran <paramref name="bound"/>:
    /// the call is abandoned and <paramref name="whenAbandonedCallReturns"/> runs after it finally returns.
    /// </summary>
    public static bool Run(Action call, TimeSpan bound, Action? whenAbandonedCallReturns = null)
    {
        var task = Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
        bool finished;
        try
        {
            finished = task.Wait(bound);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }

        if (!finished && whenAbandonedCallReturns is not null)
        {
            task.ContinueWith(_ => whenAbandonedCallReturns(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return finished;
    }
}
