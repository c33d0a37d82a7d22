using Confluent.Kafka;

namespace Carillon.Kafka.Ownership;

/// <summary>
/// What distinguishes one feature's partition ownership from another's (issue 11): its name (which names the consume
/// thread, <c>carillon-{Feature}-consumer</c>, and the liveness lease, <c>{Feature} consumer</c>), its group and topic,
/// and whether the consumer reports the end of each partition.
/// </summary>
/// <param name="Feature">Short name of the feature: <c>delayed</c>, <c>recurring-messages</c>.</param>
/// <param name="Enabled">False: the service returns at once and owns nothing.</param>
/// <param name="Group">The consumer group: each partition of <paramref name="Topic"/> has one owner in it at a time.</param>
/// <param name="Topic">The partitioned topic whose partitions are owned.</param>
/// <param name="SessionTimeout">The group session timeout (<c>Carillon:SessionTimeout</c>).</param>
/// <param name="StallAfter">How long the consume loop may go without a beat before liveness calls it stalled.</param>
/// <param name="Events">The feature's log events for what the shared consumer goes through.</param>
/// <param name="PartitionEof">Whether the consumer delivers an end-of-partition event.</param>
/// <param name="Assignment">
/// The assignor on the classic group protocol. <see cref="PartitionAssignmentStrategy.RoundRobin"/> (eager: every
/// rebalance takes every partition from every member and hands them out again) unless the feature's handlers take
/// partitions incrementally; <see cref="PartitionAssignmentStrategy.CooperativeSticky"/> moves only the partitions
/// that change owner, so the others keep their fenced producer and what they loaded (issue 11).
/// </param>
internal sealed record OwnershipSettings(
    string Feature,
    bool Enabled,
    string Group,
    string Topic,
    TimeSpan SessionTimeout,
    TimeSpan StallAfter,
    OwnershipEvents Events,
    bool PartitionEof = false,
    PartitionAssignmentStrategy Assignment = PartitionAssignmentStrategy.RoundRobin)
{
    public string ThreadName => $"carillon-{Feature}-consumer";

    public string LeaseName => $"{Feature} consumer";
}

/// <summary>
/// The log events of the shared consumer, in the feature's own event IDs and words (each feature keeps the IDs it
/// documented).
/// </summary>
/// <param name="ConsumerError">An error the client reported (or a failed close).</param>
/// <param name="TransientConsumeError">A consume error the client retries by itself (reason already printable).</param>
/// <param name="ConsumerFailed">The consumer failed and is rebuilt.</param>
/// <param name="Crashed">A bug ended the service; the host stops with exit code 1.</param>
internal sealed record OwnershipEvents(
    Action<string> ConsumerError,
    Action<string> TransientConsumeError,
    Action<Exception> ConsumerFailed,
    Action<Exception> Crashed);
