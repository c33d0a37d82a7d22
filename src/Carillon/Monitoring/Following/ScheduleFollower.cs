using Carillon.Protocol;
using Carillon.Recurring.State;
using Confluent.Kafka;

namespace Carillon.Monitoring.Following;

/// <summary>What the schedules topic says, rebuilt with the owner's own replay rule (<see cref="StateReplayer"/>).</summary>
internal sealed record ScheduleModel(
    ScheduleState State,
    IReadOnlyDictionary<string, TaskDefinition> Definitions,
    string? Owner,
    DateTimeOffset? OwnerSince,
    string? ScheduleVersion);

/// <summary>
/// Follows the schedules topic. Records are kept as bytes and decoded only when the view is read: a new owner's replay
/// needs just the latest snapshot and what follows it, so a topic of 100 k records costs a fetch, not 100 k JSON
/// parses (issue 10, "starts in well under a second"). Kept: the latest takeover, and every record since the
/// snapshot before the latest one, which covers commands written between a snapshot's <c>appliedThrough</c> and the
/// snapshot itself.
/// </summary>
internal sealed class ScheduleFollower
{
    private readonly Lock _gate = new();
    private readonly List<(long Offset, string? Kind, byte[] Value)> _tail = [];
    private long _latestSnapshotOffset = -1;
    private byte[]? _takeover;
    private long _version;
    private (long Version, ScheduleModel Model)? _cached;

    /// <summary>Takes one record (any thread, in offset order).</summary>
    public void Add(long offset, Headers? headers, byte[]? value)
    {
        if (value is null || value.Length == 0)
        {
            return;
        }

        var kind = ScheduleProtocol.ReadKind(headers) ?? StateRecordCodec.Decode(value, null).Record?.Kind;
        lock (_gate)
        {
            _version++;
            switch (kind)
            {
                case ScheduleProtocol.TakeoverKind:
                    _takeover = value;
                    _tail.Add((offset, kind, value));
                    break;
                case ScheduleProtocol.SnapshotKind:
                    // The latest snapshot becomes the previous one: nothing before it can follow the new one's appliedThrough.
                    var keepFrom = _latestSnapshotOffset;
                    _tail.RemoveAll(r => r.Offset < keepFrom);
                    _latestSnapshotOffset = offset;
                    _tail.Add((offset, kind, value));
                    break;
                case ScheduleProtocol.ClaimKind or ScheduleProtocol.OutcomeKind or ScheduleProtocol.CommandKind:
                    _tail.Add((offset, kind, value));
                    break;
            }
        }
    }

    /// <summary>The state as of the last record taken; rebuilt only when a record arrived since the last call.</summary>
    public ScheduleModel Read()
    {
        List<(long Offset, string? Kind, byte[] Value)> tail;
        byte[]? takeoverBytes;
        long version;
        lock (_gate)
        {
            if (_cached is { } cached && cached.Version == _version)
            {
                return cached.Model;
            }

            version = _version;
            tail = [.. _tail];
            takeoverBytes = _takeover;
        }

        var model = Build(tail, takeoverBytes);
        lock (_gate)
        {
            _cached = (version, model);
        }

        return model;
    }

    private static ScheduleModel Build(List<(long Offset, string? Kind, byte[] Value)> raw, byte[]? takeoverBytes)
    {
        var records = new List<(long Offset, StateRecord Record)>(raw.Count);
        SnapshotRecord? snapshot = null;
        foreach (var (offset, kind, value) in raw)
        {
            if (StateRecordCodec.Decode(value, kind).Record is { } record)
            {
                records.Add((offset, record));
                snapshot = record as SnapshotRecord ?? snapshot;
            }
        }

        var definitions = (snapshot?.Definitions ?? []).ToDictionary(d => d.Id, StringComparer.Ordinal);

        // Commands apply to the tasks the owner runs: the exclusive ones it declares, or (a snapshot written before
        // definitions) the ones its snapshot holds.
        var declared = definitions.Count > 0
            ? definitions.Values.Where(d => d.Exclusive).Select(d => d.Id).ToArray()
            : snapshot?.Tasks.Select(t => t.Id).ToArray() ?? [];
        var state = StateReplayer.Rebuild(records, declared, out _);
        var takeover = takeoverBytes is null ? null : StateRecordCodec.Decode(takeoverBytes, ScheduleProtocol.TakeoverKind).Record as TakeoverRecord;
        var owner = takeover?.Instance ?? snapshot?.Instance;
        var since = takeover?.At;
        return new ScheduleModel(state, definitions, owner, since, state.ScheduleVersion ?? takeover?.ScheduleVersion);
    }
}
