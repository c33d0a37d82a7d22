using System.Collections.Concurrent;
using Carillon.Kafka;
using Confluent.Kafka;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// Applies consumed records to their partitions on a thread of its own, so that indexing overlaps with the consumer's
/// fetching and deserializing (a load is otherwise their sum). Records travel in batches, in consumption order; each
/// carries its worker's load generation, so records read before a reload's seek are dropped rather than applied to
/// the fresh state. Position observations travel the same queue, after the records they follow: a load can only
/// complete once everything before its mark has been applied.
/// </summary>
internal sealed class ApplyPipeline : IDisposable
{
    private readonly BlockingCollection<List<Work>> _queue = new(boundedCapacity: 64);
    private readonly Task _thread;

    public ApplyPipeline() => _thread = DedicatedThread.Start("carillon-delayed-apply", Run);

    /// <summary>Hands a batch over; blocks while the apply thread is far behind. Throws if the apply thread failed.</summary>
    public void Post(List<Work> batch)
    {
        if (_thread.IsFaulted)
        {
            // A record that could not be applied was not counted as read: rebuilding the consumer re-reads it.
            throw new InvalidOperationException("Applying delayed records failed.", _thread.Exception);
        }

        _queue.Add(batch);
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        try
        {
            _thread.Wait();
        }
        catch (AggregateException)
        {
            // Already reported through Post, or irrelevant at shutdown.
        }

        _queue.Dispose();
    }

    private void Run()
    {
        foreach (var batch in _queue.GetConsumingEnumerable())
        {
            foreach (var work in batch)
            {
                if (work.Result is { } result)
                {
                    work.Worker.Apply(result, work.Generation);
                }
                else
                {
                    work.Worker.ObservePosition(work.Position, work.Generation);
                }
            }
        }
    }

    /// <summary>A record to apply, or (without one) a position the consumer reached.</summary>
    internal readonly record struct Work(PartitionWorker Worker, int Generation, ConsumeResult<byte[]?, byte[]?>? Result, long Position);
}
