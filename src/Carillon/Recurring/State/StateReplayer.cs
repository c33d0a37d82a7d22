using Carillon.Protocol;

namespace Carillon.Recurring.State;

/// <summary>A command that could not be applied during replay (unknown task ID).</summary>
internal readonly record struct RejectedCommand(long Offset, CommandRecord Command, string Reason);

/// <summary>
/// Rebuilds the schedule state from the records a new owner read, from the committed offset up to its takeover marker.
/// The base is the last snapshot read; every record after the snapshot's <c>AppliedThrough</c> is applied on top of it,
/// in log order: commands the snapshot did not reflect (even ones written just before it), claims and outcomes
/// (idempotent, so re-applying ones the snapshot already holds is harmless). Without any snapshot (first start, or the
/// committed offset fell off the log) it rebuilds what the remaining records tell: claims and outcomes restore the
/// cursors and open runs, commands the enabled flags.
/// </summary>
internal static class StateReplayer
{
    public static ScheduleState Rebuild(IReadOnlyList<(long Offset, StateRecord Record)> records, IReadOnlyCollection<string> declared, out List<RejectedCommand> rejected)
    {
        rejected = [];
        var declaredSet = declared.ToHashSet(StringComparer.Ordinal);
        Func<string, bool> isDeclared = declaredSet.Contains;
        var baseIndex = -1;
        for (var i = records.Count - 1; i >= 0; i--)
        {
            if (records[i].Record is SnapshotRecord)
            {
                baseIndex = i;
                break;
            }
        }

        var state = baseIndex >= 0 ? ScheduleState.FromSnapshot((SnapshotRecord)records[baseIndex].Record) : new ScheduleState();
        foreach (var id in declaredSet)
        {
            state.GetOrAdd(id);
        }

        var appliedThrough = state.AppliedThrough;
        foreach (var (offset, record) in records)
        {
            if (offset <= appliedThrough || record is SnapshotRecord)
            {
                continue;
            }

            switch (record)
            {
                case ClaimRecord claim:
                    state.Apply(claim);
                    break;
                case OutcomeRecord outcome:
                    state.Apply(outcome);
                    break;
                case TakeoverRecord takeover:
                    state.Apply(takeover);
                    break;
                case CommandRecord command:
                    if (!Apply(state, offset, command, isDeclared))
                    {
                        rejected.Add(new RejectedCommand(offset, command, $"unknown task '{command.TaskId}'"));
                    }

                    break;
            }
        }

        if (records.Count > 0)
        {
            state.AppliedThrough = Math.Max(state.AppliedThrough, records[^1].Offset);
        }

        return state;
    }

    /// <summary>Applies a command to the state; false when it names no declared task.</summary>
    public static bool Apply(ScheduleState state, long offset, CommandRecord command, Func<string, bool> isDeclared)
    {
        if (command.TaskId != IScheduleCommands.AllTasks && !isDeclared(command.TaskId))
        {
            return false;
        }

        var all = command.TaskId == IScheduleCommands.AllTasks;
        IEnumerable<string> ids = all ? state.Tasks.Keys.Where(isDeclared).ToArray() : [command.TaskId];
        foreach (var id in ids)
        {
            switch (command.Command)
            {
                case ScheduleCommand.Enable:
                    state.GetOrAdd(id).Enabled = true;
                    break;
                case ScheduleCommand.Disable:
                    state.GetOrAdd(id).Enabled = false;
                    break;
                case ScheduleCommand.Trigger:
                    state.PendingTriggers.Add(new PendingTrigger(id, offset));
                    break;
            }
        }

        return true;
    }
}
