namespace Carillon.Kafka;

/// <summary>
/// The one way Carillon runs a loop that blocks (a consume loop, a partition worker, a transaction writer, a bounded
/// call): a named background thread of its own, never a thread-pool thread. Blocking librdkafka calls on the pool
/// starved other partitions' timers (lateness p99 in the hundreds of ms; docs/benchmarks-delayed.md, "Figures
/// behind code choices"), and a name shows which loop is stuck in a dump.
/// </summary>
internal static class DedicatedThread
{
    /// <summary>Starts <paramref name="body"/> on a new background thread; the task ends with it (faulted if it threw).</summary>
    public static Task Start(string name, Action body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                body();
                done.SetResult();
            }
            catch (OperationCanceledException e)
            {
                done.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }
}
