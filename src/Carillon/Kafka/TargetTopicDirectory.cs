using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Carillon.Kafka;

/// <summary>
/// Whether a target topic exists, asked of the cluster once per topic before the first dispatch to it. On a cluster
/// without topic auto-creation a message for a missing topic would fail its whole transaction, and after every reload
/// the next one: the partition would be blocked for good. Known, the record is dead-lettered instead. The question is
/// a metadata request of the kind a producer sends, so a cluster that auto-creates topics creates it, as the produce
/// would have. Only a definite "unknown topic" answer counts: a timeout or any other error lets the dispatch go ahead
/// (and fail and retry like any transient failure). Thread-safe; shared by the partitions of one owner service: the
/// delayed dispatcher's (issue 8) and the recurring-messages owner's (issue 11).
/// </summary>
internal sealed class TargetTopicDirectory(Func<IAdminClient> createAdmin, TimeProvider time) : IDisposable
{
    // An unknown topic is asked about again after this long: it may have been created meanwhile.
    private static readonly TimeSpan s_unknownFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset?> _topics = new(StringComparer.Ordinal); // null: exists
    private readonly Lock _adminGate = new();
    private IAdminClient? _admin;

    /// <summary>False only when the cluster said the topic does not exist (within the last 30 s).</summary>
    public bool Exists(string topic)
    {
        if (_topics.TryGetValue(topic, out var unknownSince) && (unknownSince is null || time.GetUtcNow() - unknownSince < s_unknownFor))
        {
            return unknownSince is null;
        }

        var exists = Ask(topic);
        _topics[topic] = exists ? null : time.GetUtcNow();
        return exists;
    }

    /// <summary>Asks again next time: a transaction to these topics failed, and one of them may have been deleted.</summary>
    public void Forget(IEnumerable<string> topics)
    {
        foreach (var topic in topics)
        {
            _topics.TryRemove(topic, out _);
        }
    }

    public void Dispose()
    {
        lock (_adminGate)
        {
            _admin?.Dispose();
            _admin = null;
        }
    }

    private bool Ask(string topic)
    {
        try
        {
            IAdminClient admin;
            lock (_adminGate)
            {
                admin = _admin ??= createAdmin();
            }

            var metadata = admin.GetMetadata(topic, s_timeout);
            return metadata.Topics.FirstOrDefault(t => t.Topic == topic)?.Error.Code is not ErrorCode.UnknownTopicOrPart;
        }
        catch (KafkaException)
        {
            return true;
        }
    }
}
