using Carillon.Recurring.State;

namespace Carillon.Recurring.Ownership;

/// <summary>
/// What a warm standby does once while it waits (issue 14): encodes and decodes one record of each kind and rebuilds a
/// state from them, in memory only, so that a takeover does not pay for the first use of that code. Measured on a
/// loaded 2-core machine, a successor that had never encoded a record spent ≈ 0.3 s between <c>BeginTransaction</c> and
/// the takeover marker's <c>Produce</c> (the first JSON serialization of the process), on the takeover's critical path.
/// Nothing is written and nothing is shared with a term; a failure only means the takeover pays that cost itself.
/// </summary>
internal static class StandbyRehearsal
{
    public static void Run(string instance, string scheduleVersion, IReadOnlyCollection<string> exclusiveTaskIds)
    {
        var at = DateTimeOffset.UnixEpoch;
        var task = exclusiveTaskIds.FirstOrDefault() ?? "rehearsal";
        var outcome = new OutcomeRecord(task, at, "run", instance, ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.Succeeded, at, at, null, null, scheduleVersion, "1.0.0");
        StateRecord[] records =
        [
            new SnapshotRecord(scheduleVersion, 0, instance, at, [new TaskSnapshot(task, true, "1.0.0", at, ScheduledRunOutcome.Succeeded, [])], [], []),
            new ClaimRecord(task, at, "run", instance, ScheduledRunTrigger.Schedule, null, scheduleVersion, "1.0.0"),
            outcome,
            new TakeoverRecord("rehearsal", instance, scheduleVersion, at),
        ];

        var decoded = new List<(long Offset, StateRecord Record)>();
        foreach (var record in records)
        {
            var message = StateMessages.State(record);
            if (StateRecordCodec.Decode(message.Value, StateRecordCodec.ReadKindHeader(message.Headers)).Record is { } back)
            {
                decoded.Add((decoded.Count + 1, back));
            }
        }

        _ = StateMessages.Log(outcome);
        _ = StateReplayer.Rebuild(decoded, exclusiveTaskIds, out _);
    }
}
