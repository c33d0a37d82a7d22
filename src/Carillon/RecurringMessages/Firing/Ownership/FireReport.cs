using System.Diagnostics;
using Carillon.Protocol;
using Microsoft.Extensions.Logging;

namespace Carillon.RecurringMessages.Firing.Ownership;

/// <summary>
/// What a firing transaction's outcome tells the metrics, the health status and the log (issue 11), kept out of the
/// firing path itself: counts are added per target topic and trigger, not per occurrence, and nothing is computed for
/// an instrument nobody listens to.
/// </summary>
internal static class FireReport
{
    public static void Committed(List<Fire> fires, HashSet<string>? unknown, DateTimeOffset committedAt, PartitionOwner owner, ILogger logger)
    {
        if (unknown is not null || owner.Status.AnyCannotFire)
        {
            Settle(fires, unknown, owner, logger);
        }

        if (RecurringMessagesMetrics.Fired.Enabled)
        {
            foreach (var group in fires.Where(f => unknown?.Contains(f.Entry.Definition.TargetTopic) != true).GroupBy(f => (f.Entry.Definition.TargetTopic, f.Reason)))
            {
                RecurringMessagesMetrics.Fired.Add(group.Count(), new TagList { { "topic", group.Key.TargetTopic }, { "trigger", Trigger(group.Key.Reason) } });
            }
        }

        if (RecurringMessagesMetrics.Lateness.Enabled)
        {
            foreach (var fire in fires.Where(f => f.Reason == FireReason.Scheduled && unknown?.Contains(f.Entry.Definition.TargetTopic) != true))
            {
                RecurringMessagesMetrics.Lateness.Record((committedAt - fire.Occurrence).TotalMilliseconds, new KeyValuePair<string, object?>("topic", fire.Entry.Definition.TargetTopic));
            }
        }
    }

    public static void Failed(List<Fire> fires, string? reason, DateTimeOffset at, PartitionOwner owner)
    {
        RecurringMessagesMetrics.FailedTransactions.Add(1);
        owner.Status.FireFailed(reason ?? "unknown error", at);

        // One of these topics may have been deleted since it was asked about: ask again before the retry.
        owner.Targets?.Forget(fires.Select(f => f.Entry.Definition.TargetTopic).Distinct(StringComparer.Ordinal));
    }

    private static void Settle(List<Fire> fires, HashSet<string>? unknown, PartitionOwner owner, ILogger logger)
    {
        var partition = owner.TopicPartition.Partition.Value;
        foreach (var fire in fires)
        {
            var topic = fire.Entry.Definition.TargetTopic;
            if (unknown?.Contains(topic) == true)
            {
                RecurringMessagesMetrics.DeadLettered.Add(1, new TagList { { "topic", topic }, { "reason", DeadLetterReasons.TargetTopicUnknown } });

                // Warned once while the schedule stays unable to fire: a per-second schedule would flood the log.
                if (owner.Status.TargetMissing(fire.Entry.Name, partition, topic, fire.Occurrence))
                {
                    OwnerLog.TargetTopicUnknown(logger, partition, fire.Entry.Name, topic, fire.Occurrence, owner.DeadLetterTopic);
                }
            }
            else
            {
                owner.Status.Fired(fire.Entry.Name);
            }
        }
    }

    private static string Trigger(FireReason reason) => reason switch
    {
        FireReason.Scheduled => "scheduled",
        FireReason.Misfire => "misfire",
        _ => "manual",
    };
}
