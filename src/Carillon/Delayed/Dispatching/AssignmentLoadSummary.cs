using Microsoft.Extensions.Logging;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// One Information line per assignment, once every partition it brought has loaded; the per-partition lines are at
/// Debug (issue 9 §5: twelve "assigned/loaded" lines made a newcomer's first minute noisy). A partition revoked before
/// it loaded leaves the summary unwritten; later reloads of a partition are not counted again.
/// </summary>
internal sealed class AssignmentLoadSummary(int partitions, TimeProvider time, ILogger logger)
{
    private readonly long _started = time.GetTimestamp();
    private readonly int _partitions = partitions;
    private int _pending = partitions;
    private long _held;
    private long _beyond;

    /// <summary>Called by each partition worker when its first load completes.</summary>
    public void PartitionLoaded(int held, int beyond)
    {
        Interlocked.Add(ref _held, held);
        Interlocked.Add(ref _beyond, beyond);
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            DispatcherLog.AssignmentLoaded(logger, _partitions, (long)time.GetElapsedTime(_started).TotalMilliseconds, Interlocked.Read(ref _held), Interlocked.Read(ref _beyond));
        }
    }
}
