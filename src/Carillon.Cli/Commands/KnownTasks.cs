using Carillon.Protocol;
using Confluent.Kafka;

namespace Carillon.Cli.Commands;

/// <summary>
/// The task IDs the schedule's state on the schedules topic knows: the latest snapshot (at or after the schedules
/// group's committed offset, where every new owner starts) and the claims and outcomes written after it.
/// </summary>
internal static class KnownTasks
{
    /// <summary>The known IDs, or null when the topic holds no state yet (no owner has run).</summary>
    public static HashSet<string>? Read(CarillonOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var partition = new TopicPartition(options.SchedulesTopic, 0);
        using var consumer = CliClients.Consumer<Ignore, byte[]>(options, c =>
        {
            c.GroupId = options.SchedulesGroup; // only read its committed offset: nothing is committed here
            c.EnableAutoCommit = false;
            c.IsolationLevel = IsolationLevel.ReadCommitted;
            c.FetchWaitMaxMs = 10;
            c.EnablePartitionEof = true;
        });
        var end = consumer.QueryWatermarkOffsets(partition, timeout).High;
        if (end.Value <= 0)
        {
            return null;
        }

        var committed = consumer.Committed([partition], timeout).FirstOrDefault()?.Offset ?? Offset.Unset;
        consumer.Assign(new TopicPartitionOffset(partition, committed.Value >= 0 && committed.Value < end.Value ? committed : Offset.Beginning));
        HashSet<string>? known = null;
        while (true)
        {
            var result = consumer.Consume(cancellationToken);
            if (result.IsPartitionEOF)
            {
                if (result.Offset.Value >= end.Value)
                {
                    return known;
                }

                continue;
            }

            var kind = ScheduleProtocol.ReadKind(result.Message.Headers);
            if (ScheduleProtocol.TryReadSnapshot(result.Message.Value, kind, out var snapshot))
            {
                known = [.. snapshot.Tasks.Select(t => t.Id)];
            }
            else if (ScheduleProtocol.TryReadTaskRecord(result.Message.Value, kind, out var recordKind, out var id)
                && recordKind is ScheduleProtocol.ClaimKind or ScheduleProtocol.OutcomeKind)
            {
                (known ??= []).Add(id);
            }

            if (result.Offset.Value + 1 >= end.Value)
            {
                return known;
            }
        }
    }
}
