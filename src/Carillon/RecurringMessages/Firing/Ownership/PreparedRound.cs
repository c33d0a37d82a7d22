using Confluent.Kafka;

namespace Carillon.RecurringMessages.Firing.Ownership;

/// <summary>
/// A partition's next round built before its due time (issue 11, docs/benchmarks-recurring-messages.md): the
/// occurrences taken from the book as of the due time and the records (target or dead letter, and claim) of the first
/// <see cref="Built"/> of them, so that after the due time only the <c>Produce</c> calls and the commit remain for
/// those; the owner makes the rest's records as it produces them. It is only used if nothing it was built
/// from changed (<see cref="IsCurrent"/>); otherwise it is put back and the round is taken anew (the race rule of
/// docs/recurring-messages.md: a change read before the due time wins).
/// </summary>
internal sealed class PreparedRound(List<Fire> fires, HashSet<string>? unknown, DateTimeOffset due, long bookChanges, long[] versions, string[] topics, Message<byte[]?, byte[]?>[] targets, Message<byte[]?, byte[]?>[] claims)
{
    public List<Fire> Fires { get; } = fires;

    public HashSet<string>? Unknown { get; } = unknown;

    /// <summary>How many of <see cref="Fires"/>, from the first, have their records built.</summary>
    public int Built => targets.Length;

    /// <summary>The due time every occurrence of the round was taken at.</summary>
    public DateTimeOffset Due { get; } = due;

    /// <summary>
    /// True while the round is still what the book would take now: no schedule of it was changed, removed, disabled
    /// or triggered since it was built (each bumps the entry's version), and the due time is not so far past that its
    /// occurrences have become missed ones (those follow the misfire policy, planned anew).
    /// </summary>
    public bool IsCurrent(ScheduleBook book, DateTimeOffset now, TimeSpan misfireThreshold)
    {
        if (now - Due >= misfireThreshold)
        {
            return false;
        }

        if (book.Changes == bookChanges)
        {
            return true;
        }

        for (var i = 0; i < Fires.Count; i++)
        {
            var entry = Fires[i].Entry;
            if (entry.Removed || entry.Version != versions[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Produces the records built, each target before its claim (on the owners' loop or the producer's call thread).</summary>
    public void Produce(IProducer<byte[]?, byte[]?> producer, TopicPartition partition)
    {
        for (var i = 0; i < targets.Length; i++)
        {
            producer.Produce(topics[i], targets[i]);
            producer.Produce(partition, claims[i]);
        }
    }
}
