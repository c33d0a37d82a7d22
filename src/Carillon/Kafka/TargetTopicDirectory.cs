using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Carillon.Kafka;

/// <summary>
/// Whether a target topic exists, asked of the cluster once per topic. On a cluster without topic auto-creation a
/// message for a missing topic would fail its whole transaction, and after every reload the next one: the partition
/// would be blocked for good. Known, the record is dead-lettered instead. The question is a metadata request of the
/// kind a producer sends, so a cluster that auto-creates topics creates it, as the produce would have. Only a definite
/// "unknown topic" answer counts: a timeout or any other error lets the dispatch go ahead (and fail and retry like any
/// transient failure). Thread-safe; shared by the partitions of one owner service: the delayed dispatcher's (issue 8)
/// and the recurring-messages owner's (issue 11).
/// <para>
/// The question is asked ahead (<see cref="Prefetch"/>, when a partition first holds a record for the topic) and at
/// most once at a time per topic, whoever asks: when a backlog fell due at one instant, every partition worker asked
/// the cluster about the same topic at that instant, about 100 ms before its first produce (issue 14,
/// docs/benchmarks-delayed.md).
/// </para>
/// <para>
/// The same answer gives the topic's partition count, from which the delayed dispatcher picks the partitions of keyless
/// targets (<see cref="Carillon.Delayed.Dispatching.KeylessTargets"/>); forgotten with the answer, so a failed
/// transaction also refreshes it (issue 14).
/// </para>
/// </summary>
internal sealed class TargetTopicDirectory(Func<IAdminClient> createAdmin, TimeProvider time) : IDisposable
{
    // An unknown topic is asked about again after this long: it may have been created meanwhile.
    private static readonly TimeSpan s_unknownFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    // A metadata call that ignores its timeout must not hold a dispatch for longer than this: the answer is then "go ahead".
    private static readonly TimeSpan s_waitBound = s_timeout + TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Lookup> _topics = new(StringComparer.Ordinal);
    private readonly Lock _adminGate = new();
    private IAdminClient? _admin;
    private bool _disposed;

    /// <summary>
    /// False only when the cluster said the topic does not exist (within the last 30 s). Answers from the cache, waits
    /// for a question already asked, or asks.
    /// </summary>
    public bool Exists(string topic)
    {
        var lookup = Current(topic);
        return !lookup.Answer.Wait(s_waitBound) || lookup.Answer.Result;
    }

    /// <summary>
    /// The topic's partitions that had a leader in the cached answer, in ascending order, or none when there is no answer
    /// yet (or the cluster did not give one). A partition without a leader would hold a chosen message until the
    /// transaction times out, so it is left out, as librdkafka's own partitioners skip unavailable partitions.
    /// Never blocks, never asks.
    /// </summary>
    public IReadOnlyList<int> Partitions(string topic)
        => _topics.TryGetValue(topic, out var lookup) && lookup.Answer.IsCompletedSuccessfully ? lookup.Partitions : [];

    /// <summary>
    /// Starts the question about <paramref name="topic"/> in the background unless it is answered or asked already,
    /// so that the dispatch finds the answer cached. Never blocks.
    /// </summary>
    public void Prefetch(string topic) => _ = Current(topic);

    /// <summary>Asks again next time: a transaction to these topics failed, and one of them may have been deleted.</summary>
    public void Forget(IEnumerable<string> topics)
    {
        foreach (var topic in topics)
        {
            if (_topics.TryGetValue(topic, out var lookup) && lookup.Answer.IsCompleted)
            {
                _topics.TryRemove(new KeyValuePair<string, Lookup>(topic, lookup));
            }
        }
    }

    public void Dispose()
    {
        lock (_adminGate)
        {
            _disposed = true;
            _admin?.Dispose();
            _admin = null;
        }
    }

    // The topic's answer, or the question in flight; a new question when there is none or "unknown" has gone stale.
    private Lookup Current(string topic)
    {
        while (true)
        {
            if (_topics.TryGetValue(topic, out var known))
            {
                if (!known.IsStale(time.GetUtcNow()))
                {
                    return known;
                }

                var again = new Lookup();
                if (_topics.TryUpdate(topic, again, known))
                {
                    Start(topic, again);
                    return again;
                }
            }
            else
            {
                var first = new Lookup();
                if (_topics.TryAdd(topic, first))
                {
                    Start(topic, first);
                    return first;
                }
            }
        }
    }

    // On a thread of its own: a blocking client call never runs on the thread pool (DedicatedThread).
    private void Start(string topic, Lookup lookup)
        => _ = DedicatedThread.Start("carillon-topic-lookup", () =>
        {
            var (exists, partitions) = Ask(topic);
            lookup.Answered(exists, partitions, time.GetUtcNow());
        });

    private (bool Exists, int[] Partitions) Ask(string topic)
    {
        try
        {
            IAdminClient admin;
            lock (_adminGate)
            {
                if (_disposed)
                {
                    return (true, []);
                }

                admin = _admin ??= createAdmin();
            }

            var metadata = admin.GetMetadata(topic, s_timeout);
            var answer = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
            var led = answer is { Error.Code: ErrorCode.NoError }
                ? answer.Partitions.Where(p => p.Leader >= 0).Select(p => p.PartitionId).Order().ToArray()
                : [];
            return (answer?.Error.Code is not ErrorCode.UnknownTopicOrPart, led);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // No answer (the client refused, timed out or was disposed): the dispatch goes ahead, as the rule says.
            return (true, []);
        }
    }

    private sealed class Lookup
    {
        private readonly TaskCompletionSource<bool> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private DateTimeOffset _answeredAt;

        public Task<bool> Answer => _answer.Task;

        // Set before the answer, read only once it is complete.
        public int[] Partitions { get; private set; } = [];

        public void Answered(bool exists, int[] partitions, DateTimeOffset at)
        {
            _answeredAt = at;
            Partitions = partitions;
            _answer.SetResult(exists);
        }

        // "Exists" is kept until a failed transaction makes the caller forget it; "unknown" for 30 s.
        public bool IsStale(DateTimeOffset now)
            => _answer.Task.IsCompletedSuccessfully && !_answer.Task.Result && now - _answeredAt >= s_unknownFor;
    }
}
