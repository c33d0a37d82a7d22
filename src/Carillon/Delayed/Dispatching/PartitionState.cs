using System.Runtime.CompilerServices;
using Carillon.Delayed.Envelope;
using Carillon.Delayed.Index;
using Confluent.Kafka;

namespace Carillon.Delayed.Dispatching;

/// <summary>What applying one record did, for metrics and logs.</summary>
internal enum ApplyOutcome
{
    Held,
    HeldReplacing,
    BeyondHorizon,
    BeyondHorizonReplacing,
    Cancelled,
    Ignored,
    Invalid,
}

/// <summary>
/// The dispatch planning of one owned partition, free of Kafka clients and clocks so that it is unit-testable:
/// records are applied in offset order, batches are taken at a given time. Records due beyond the load horizon are
/// not held; they pin the commit position (<see cref="CommitPosition"/>) and make the partition due for a re-scan
/// half a horizon before the earliest of them is due (<see cref="RescanAtMs"/>), which re-reads the partition from
/// the committed offset. Not thread-safe: the dispatcher serializes access.
/// </summary>
internal sealed class PartitionState(int partition, TimeSpan loadHorizon, TimeSpan? maxLateness, TargetTopicPolicy? targets = null, TimeSpan? maxAhead = null)
{
    private readonly long _horizonMs = (long)loadHorizon.TotalMilliseconds;
    private readonly long? _maxLatenessMs = maxLateness is { } m ? (long)m.TotalMilliseconds : null;
    private readonly long _maxAheadMs = (long)(maxAhead ?? TimeSpan.FromDays(3653)).TotalMilliseconds;
    private readonly TargetTopicPolicy _targets = targets ?? TargetTopicPolicy.Unrestricted;
    private readonly List<InvalidReason> _topicVerdicts = []; // by topic ID of _topics
    private readonly List<DeadLetterItem> _deadLetters = [];
    private readonly HashSet<long> _rejected = [];
    private TopicTable _topics = new();
    private byte[]? _scratch; // packing buffer: the index copies the packed record into its store
    private long _beyondFloor = long.MaxValue;
    private long _beyondMinDueMs = long.MaxValue;
    private int _beyondCount;

    public int Partition => partition;

    public ScheduleIndex Index { get; } = new();

    /// <summary>True from (re)assignment until the load mark is reached; nothing is dispatched meanwhile.</summary>
    public bool Loading { get; private set; } = true;

    /// <summary>The offset the load must reach: the high watermark noted when loading started.</summary>
    public long LoadMark { get; private set; }

    /// <summary>The offset the current load started at (the committed offset).</summary>
    public long LoadStart { get; private set; }

    /// <summary>The offset after the last applied record.</summary>
    public long AppliedPosition { get; private set; }

    /// <summary>Held, beyond-horizon and dead-letter-bound records.</summary>
    public int Pending => Index.Count + _beyondCount + _deadLetters.Count;

    public int BeyondHorizon => _beyondCount;

    /// <summary>
    /// Told the name of each target topic this load holds a record for, once per load, as it is first held (under the
    /// caller's lock: it must not block). The worker asks the cluster about the topic then, not when it falls due (issue 14).
    /// </summary>
    public Action<string>? TopicHeld { get; init; }

    /// <summary>When a re-scan must start so that the earliest beyond-horizon record is held well before it is due.</summary>
    public long? RescanAtMs => _beyondCount == 0 ? null : _beyondMinDueMs - (_horizonMs / 2);

    /// <summary>Forgets everything and starts loading from <paramref name="startOffset"/> up to <paramref name="mark"/>.</summary>
    public void BeginLoad(long startOffset, long mark)
    {
        _rejected.RemoveWhere(offset => offset < startOffset);
        Index.Clear();
        _topics = new TopicTable();
        _topicVerdicts.Clear();
        _deadLetters.Clear();
        _beyondFloor = _beyondMinDueMs = long.MaxValue;
        _beyondCount = 0;
        LoadStart = AppliedPosition = startOffset;
        LoadMark = mark;
        Loading = startOffset < mark;
    }

    /// <summary>Ends the load when the consumer's position shows it is past the mark (aborted records or markers last).</summary>
    public bool CompleteLoadIfReached(long position)
    {
        if (Loading && position >= LoadMark)
        {
            FinishLoad();
            return true;
        }

        return false;
    }

    public ApplyOutcome Apply(long offset, long timestampMs, byte[]? key, byte[]? value, Headers? headers, long nowMs)
    {
        // Advanced only once the record is applied: a record that failed must never be committed past.
        var outcome = ApplyCore(offset, timestampMs, key, value, headers, nowMs);
        AppliedPosition = offset + 1;
        if (Loading && AppliedPosition >= LoadMark)
        {
            FinishLoad();
        }

        return outcome;
    }

    /// <summary>
    /// Passes over a record that could not be applied (a bug's exception, not a bad record: those become dead
    /// letters). It is neither held nor dead-lettered; the commit may move past it (issue 8: no record stops a partition).
    /// </summary>
    public void Skip(long offset)
    {
        AppliedPosition = Math.Max(AppliedPosition, offset + 1);
        if (Loading && AppliedPosition >= LoadMark)
        {
            FinishLoad();
        }
    }

    private void FinishLoad()
    {
        Loading = false;
        Index.Trim();
    }

    private ApplyOutcome ApplyCore(long offset, long timestampMs, byte[]? key, byte[]? value, Headers? headers, long nowMs)
    {
        var record = EnvelopeParser.Parse(key, value, headers);
        switch (record.Kind)
        {
            case RecordKind.Cancel:
                return key is not null && Index.RemoveBefore(key, offset) ? ApplyOutcome.Cancelled : ApplyOutcome.Ignored;

            case RecordKind.DispatchTombstone:
                // A dead letter is tombstoned like a dispatch: re-read on a reload, it must not be written again
                // (issue 8: 603 repeats after one rebalance).
                if (RemoveDeadLetter(record.DispatchedOffset))
                {
                    return ApplyOutcome.Ignored;
                }

                return key is not null && Index.RemoveExact(key, record.DispatchedOffset) ? ApplyOutcome.Cancelled : ApplyOutcome.Ignored;

            case RecordKind.Invalid:
                return DeadLetter(offset, timestampMs, key, value, headers, record.Reason);
        }

        if (record.DueMs > nowMs + _maxAheadMs)
        {
            // Year 9999 and the like: never dispatchable in practice, and held it would pin the partition's commit.
            return DeadLetter(offset, timestampMs, key, value, headers, InvalidReason.DeliverAtOutOfRange);
        }

        if (_rejected.Contains(offset))
        {
            _deadLetters.Add(new DeadLetterItem(offset, timestampMs, key, value, headers ?? [], InvalidReason.TargetRejected));
            return ApplyOutcome.Invalid;
        }

        if (record.DueMs > nowMs + _horizonMs)
        {
            // Not held, but a newer record of a held key still replaces it.
            var replaced = Index.RemoveBefore(key!, offset);
            _beyondCount++;
            _beyondFloor = Math.Min(_beyondFloor, offset);
            _beyondMinDueMs = Math.Min(_beyondMinDueMs, record.DueMs);
            return replaced ? ApplyOutcome.BeyondHorizonReplacing : ApplyOutcome.BeyondHorizon;
        }

        var topicId = _topics.Intern(record.TargetTopic);
        if (Verdict(topicId) is var verdict and not InvalidReason.None)
        {
            return DeadLetter(offset, timestampMs, key, value, headers, verdict);
        }

        var length = EntryBlob.Build(ref _scratch, key, record.TargetKey, headers, value, record.DueMs - timestampMs);
        return Index.Put(offset, record.DueMs, topicId, _scratch.AsSpan(0, length)) ? ApplyOutcome.HeldReplacing : ApplyOutcome.Held;
    }

    private ApplyOutcome DeadLetter(long offset, long timestampMs, byte[]? key, byte[]? value, Headers? headers, InvalidReason reason)
    {
        _deadLetters.Add(new DeadLetterItem(offset, timestampMs, key, value, headers ?? [], reason));
        return ApplyOutcome.Invalid;
    }

    private bool RemoveDeadLetter(long offset)
    {
        for (var i = _deadLetters.Count - 1; i >= 0; i--)
        {
            if (_deadLetters[i].Offset == offset)
            {
                _deadLetters.RemoveAt(i);
                return true;
            }
        }

        return false;
    }

    private InvalidReason Verdict(int topicId)
    {
        while (_topicVerdicts.Count <= topicId)
        {
            var topic = _topics[_topicVerdicts.Count];
            var verdict = _targets.Check(topic);
            _topicVerdicts.Add(verdict);
            if (verdict == InvalidReason.None)
            {
                TopicHeld?.Invoke(topic);
            }
        }

        return _topicVerdicts[topicId];
    }

    /// <summary>
    /// Marks the record at <paramref name="offset"/> as refused by the producer (too large for the target, …): when the
    /// partition is reloaded it goes to the dead-letter topic instead of failing every transaction that carries it.
    /// </summary>
    public void Reject(long offset) => _rejected.Add(offset);

    /// <summary>The oldest offset still pending: everything below it is done and may be committed.</summary>
    public long CommitPosition()
    {
        var position = Math.Min(AppliedPosition, _beyondFloor);
        if (Index.OldestOffset is { } oldest)
        {
            position = Math.Min(position, oldest);
        }

        foreach (var dead in _deadLetters)
        {
            position = Math.Min(position, dead.Offset);
        }

        return position;
    }

    /// <summary>When the partition next has work: the earliest due time, a re-scan, or now for dead letters.</summary>
    public long? NextWakeMs(long nowMs)
    {
        if (Loading)
        {
            return null;
        }

        if (_deadLetters.Count > 0)
        {
            return nowMs;
        }

        var next = Index.NextDueMs;
        if (RescanAtMs is { } rescan)
        {
            next = next is null ? rescan : Math.Min(next.Value, rescan);
        }

        return next;
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> due records (and every pending dead letter) out of the state, in
    /// (due, offset) order. The caller must put the state back through a re-load when the transaction fails.
    /// <paramref name="reuse"/>, when given, is cleared and becomes the batch's item list: a worker hands the same list
    /// to every batch, so that a thousand items are not a new list kept alive through each transaction (issue 14).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DispatchBatch? TakeBatch(long nowMs, int max, List<DispatchItem>? reuse = null)
    {
        if (Loading)
        {
            return null;
        }

        reuse?.Clear();
        List<DispatchItem>? items = null;
        List<DeadLetterItem>? dead = null;
        if (_deadLetters.Count > 0)
        {
            dead = [.. _deadLetters];
            _deadLetters.Clear();
        }

        while ((items?.Count ?? 0) + (dead?.Count ?? 0) < max && Index.TryTakeDue(nowMs, out var entry))
        {
            if (_maxLatenessMs is { } maxLate && nowMs - entry.DueMs > maxLate)
            {
                (dead ??= []).Add(ToDeadLetter(entry));
                continue;
            }

            (items ??= reuse ?? []).Add(new DispatchItem(entry.Offset, entry.DueMs, entry.DueMs - EntryBlob.TimestampDistance(entry.Blob.Span), _topics[entry.TopicId], entry.Blob));
        }

        if (items is null && dead is null)
        {
            return null;
        }

        return new DispatchBatch(partition, items ?? [], dead ?? [], CommitPosition());
    }

    private DeadLetterItem ToDeadLetter(in TakenEntry entry)
        => DeadLetterItem.FromHeld(entry.Blob.Span, entry.Offset, entry.DueMs, _topics[entry.TopicId], InvalidReason.TooLate);
}
