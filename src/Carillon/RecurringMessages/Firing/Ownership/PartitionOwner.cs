using System.Diagnostics;
using System.Text.Json;
using Carillon.Kafka;
using Carillon.Kafka.Transactions;
using Carillon.Protocol;
using Carillon.RecurringMessages.Health;
using Carillon.RecurringMessages.Definitions;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.RecurringMessages.Firing.Ownership;

/// <summary>
/// The owner of one partition of the recurring-messages topic (issue 11). Its transactional producer's
/// <c>transactional.id</c> names the partition, so a new owner's <c>InitTransactions</c> fences the previous one and
/// aborts what it left open. It loads the partition from its beginning up to the high watermark noted after fencing
/// (so every claim the previous owner committed is applied) and only then fires: at each occurrence, the target record
/// and the occurrence's claim go in one transaction. Runs on the owners' consumer thread only; a transaction's records
/// may be written on the producer's call thread, and while that round is in flight the records read for this
/// partition are held and applied once its outcome is collected (<see cref="FinishFire"/>), so the book and the
/// entries being written are never changed under the writer, and every change read is applied before the partition's
/// next take: the race rule of docs/recurring-messages.md, per partition.
/// </summary>
internal sealed class PartitionOwner(TopicPartition partition, string instance, TimeSpan misfireThreshold, TimeProvider time, ILogger logger) : IDisposable
{
    // One transaction stays well inside the producer's queue (100,000 messages by default) when a whole partition is
    // due at once ("every tenant's report at midnight"); the rest fire in the next transactions, without waiting.
    private const int MaxFiresPerTransaction = 5_000;

    // Up to this many occurrences are produced on the owners' loop (latency: no thread hop); more are written on the
    // producer's call thread, in parallel with the other partitions (throughput; issue 11's benchmark).
    private const int MaxInlineFires = 500;

    // At most this many of a round's occurrences have their records built ahead of the due time; the rest are built
    // as they are produced. Records built ahead live until the due time, and those alive at a gen0 collection are
    // copied into the older generations: a midnight built whole (5,000 per partition, 60,000 on 12) paused the burst
    // 205-278 ms in GC against 63-142 ms unbuilt (issue 11, docs/benchmarks-recurring-messages.md). A schedule set that
    // does not saturate the producer (tens per partition and due time) is still built whole.
    private const int MaxBuiltAhead = 256;
    private static readonly TimeSpan s_retryAfter = TimeSpan.FromSeconds(1);

    // A commit still running after this long is awaited (bounded, blocking the loop) rather than polled: a call that
    // never returns is given up by the producer's bound, not left in flight for good.
    private static readonly TimeSpan s_awaitAfter = TimeSpan.FromSeconds(10);
    private static readonly byte[] s_claimKind = RecurringWire.Utf8(RecurringWire.ClaimKind);
    private static readonly byte[][] s_triggers = [.. Enum.GetValues<FireReason>().Select(r => RecurringWire.Utf8(r.ToString().ToLowerInvariant()))];

    // What every record of one occurrence shares, made once per occurrence rather than once per schedule: a midnight
    // of 100,000 schedules writes 100,000 identical claims (benchmark of issue 11, docs/benchmarks-recurring-messages.md).
    private readonly byte[] _instance = RecurringWire.Utf8(instance);
    private DateTimeOffset _sharedOccurrence = DateTimeOffset.MinValue;
    private byte[] _occurrenceDigits = [];
    private byte[] _scheduledClaim = [];

    // Every claim carries the same single header; Produce only reads it.
    private readonly Headers _claimHeaders = new() { { RecurringWire.Kind, s_claimKind } };
    private PreparedRound? _prepared;
    private TransactionalProducer? _producer;
    private DateTimeOffset _initAfter = DateTimeOffset.MinValue;
    private long _loadMark = -1;
    private List<Fire>? _firing;
    private HashSet<string>? _firingUnknown;
    private DateTimeOffset _firingSince;
    private DateTimeOffset _committedAt;
    private bool _commitPending;
    private long _handedAt;

    // Records of this partition read while its round is in flight, applied in order once the outcome is collected.
    private Queue<ConsumeResult<byte[]?, byte[]?>>? _held;

    public TopicPartition TopicPartition { get; } = partition;

    /// <summary>Which target topics exist (shared by the owners of this instance); null: not asked (tests of the book).</summary>
    public TargetTopicDirectory? Targets { get; init; }

    /// <summary>Where an occurrence for a target topic the cluster does not have goes instead (issue 11).</summary>
    public string DeadLetterTopic { get; init; } = "carillon_recurring_dlq";

    public RecurringMessagesStatus Status { get; init; } = new();

    /// <summary>Runs on the producer's call thread once a commit handed off has returned: wakes the owners' loop.</summary>
    public Action? CommitReturned { get; init; }

    public ScheduleBook Book { get; } = new(misfireThreshold);

    public bool Loaded { get; private set; }

    public bool Fenced { get; private set; }

    /// <summary>When this owner was fenced: past a while without a revoke, the owners' loop rebuilds its consumer.</summary>
    public DateTimeOffset FencedAt { get; private set; }

    /// <summary>True until the producer has fenced the previous owner and the load mark is known.</summary>
    public bool NeedsInit => _producer is null && !Fenced;

    /// <summary>When this owner needs the loop again: its next due time, or a retry; null while its round is in flight (the commit's return wakes the loop).</summary>
    public DateTimeOffset? WakeAt => NeedsInit ? _initAfter : Loaded && !Fenced && _firing is null ? Earliest(_prepared?.Due, Book.NextDue) : null;

    /// <summary>A round (a transaction <see cref="Fire"/> started) is in flight until <see cref="FinishFire"/>.</summary>
    public bool InFlight => _firing is not null;

    /// <summary>
    /// The round in flight can be collected without waiting: its commit returned (or failed before it was handed off).
    /// Also true when the commit has run for long: <see cref="FinishFire"/> then waits for it, bounded.
    /// </summary>
    public bool Collectable => _firing is not null
        && (_producer is null || _producer.CommitReturned || Stopwatch.GetElapsedTime(_handedAt) > s_awaitAfter);

    /// <summary>Fences the previous owner, then notes where the load ends. False (retried later) when the cluster refused.</summary>
    public bool TryInit(Func<TopicPartition, TransactionalProducer> createProducer, Func<TopicPartition, WatermarkOffsets> watermarks)
    {
        if (time.GetUtcNow() < _initAfter)
        {
            return false;
        }

        try
        {
            _producer = createProducer(TopicPartition);
            _producer.BeginAhead();
            var marks = watermarks(TopicPartition);
            _loadMark = marks.High.Value;
            OwnerLog.Assigned(logger, TopicPartition.Partition.Value, _loadMark);
            if (marks.High.Value <= marks.Low.Value)
            {
                // Nothing to read (an empty partition delivers no record and may report no position).
                ObservePosition(_loadMark);
            }

            return true;
        }
        catch (Exception e) when (e is KafkaException or TimeoutException)
        {
            _producer?.Dispose();
            _producer = null;
            _initAfter = time.GetUtcNow() + s_retryAfter;
            OwnerLog.InitFailed(logger, TopicPartition.Partition.Value, e.Message);
            return false;
        }
    }

    /// <summary>Applies a record read from the partition, or holds it until the round in flight is collected.</summary>
    public void Apply(ConsumeResult<byte[]?, byte[]?> record)
    {
        if (_firing is not null)
        {
            (_held ??= new()).Enqueue(record);
            return;
        }

        Fold(record);
    }

    private void Fold(ConsumeResult<byte[]?, byte[]?> record)
    {
        if (!RecordFold.Apply(Book, record.Message, record.Offset.Value))
        {
            OwnerLog.Unreadable(logger, TopicPartition.Partition.Value, record.Offset.Value);
        }

        ObservePosition(record.Offset.Value + 1);
    }

    /// <summary>The consumer's position in the partition: the load is over once it reaches the mark.</summary>
    public void ObservePosition(long position)
    {
        if (!Loaded && _producer is not null && position >= _loadMark)
        {
            Loaded = true;
            OwnerLog.Loaded(logger, TopicPartition.Partition.Value, Book.Count);
        }
    }

    /// <summary>
    /// Takes what is due and produces it in this partition's transaction (issue 11). A few occurrences (a schedule set
    /// that does not saturate the producer) are produced here, on the owners' loop, and their commit waits for
    /// <see cref="StartCommit"/>: the loop produces every due partition's records before it hands off any commit, so
    /// no commit in flight competes with the records still to produce, and the transaction was begun ahead
    /// (after the previous commit), so the first record leaves at once. Many (a burst) are handed off whole, records
    /// and commit, to the producer's own call thread at once: the partitions write in parallel, as plain producers
    /// would. Returns false when nothing is due. <see cref="FinishFire"/> collects the outcome.
    /// </summary>
    public bool Fire()
    {
        if (!Loaded || Fenced || _producer is null || _firing is not null)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (_prepared is { } ready && ready.Due <= now)
        {
            _prepared = null;
            if (ready.IsCurrent(Book, now, misfireThreshold))
            {
                Start(ready.Fires, ready.Unknown, now, p =>
                {
                    ready.Produce(p, TopicPartition);
                    Write(p, ready.Fires, ready.Unknown, from: ready.Built);
                });
                return true;
            }

            // A schedule of it changed after it was built (or the loop is so late that its occurrences are missed
            // ones): the change wins, so the round is put back and taken anew below (docs/recurring-messages.md).
            Book.Untake(ready.Fires);
            OwnerLog.BuiltAheadDiscarded(logger, TopicPartition.Partition.Value, ready.Fires.Count, ready.Due);
        }

        // The loop polls with no wait in the last millisecond before a due time: take nothing, allocate nothing. With a
        // round built ahead, only what falls due before it (a trigger) is taken here, in a round of its own.
        if (Book.NextDue is not { } due || due > now)
        {
            return false;
        }

        var fires = Book.TakeDue(now, MaxFiresPerTransaction);
        if (fires.Count == 0)
        {
            return false;
        }

        var unknown = UnknownTargets(fires);
        Start(fires, unknown, now, p => Write(p, fires, unknown));
        return true;
    }

    /// <summary>
    /// Builds the partition's next round ahead when its due time is at most <paramref name="ahead"/> away and nothing
    /// is in flight (issue 11): the occurrences due then are taken as of the due time and their records made now, and
    /// the transaction is begun, so that at the due time <see cref="Fire"/> only produces them and hands the commit
    /// off. Only the first <see cref="MaxBuiltAhead"/> occurrences' records are made ahead; the rest are made as they are
    /// produced. Runs on the owners' loop, between its waits. Returns true when it built one.
    /// </summary>
    public bool Prepare(TimeSpan ahead)
    {
        if (!Loaded || Fenced || _producer is null || _firing is not null || _prepared is not null)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (Book.NextDue is not { } due || due <= now || due - now > ahead)
        {
            return false;
        }

        var fires = Book.TakeDue(due, MaxFiresPerTransaction);
        if (fires.Count == 0)
        {
            return false;
        }

        var versions = new long[fires.Count];
        for (var i = 0; i < fires.Count; i++)
        {
            versions[i] = fires[i].Entry.Version;
        }

        var built = Math.Min(fires.Count, MaxBuiltAhead);
        var topics = new string[built];
        var targets = new Message<byte[]?, byte[]?>[built];
        var claims = new Message<byte[]?, byte[]?>[built];
        var unknown = UnknownTargets(fires);
        for (var i = 0; i < built; i++)
        {
            var fire = fires[i];
            var name = RecurringWire.Utf8(fire.Entry.Name);
            Share(fire.Occurrence);
            (topics[i], targets[i]) = TargetOf(fire, name, unknown);
            claims[i] = Claim(fire, name);
        }

        _prepared = new PreparedRound(fires, unknown, due, Book.Changes, versions, topics, targets, claims);
        _producer.BeginAhead();
        OwnerLog.BuiltAhead(logger, TopicPartition.Partition.Value, fires.Count, due);
        return true;
    }

    // Few occurrences are produced here, on the owners' loop, their commit handed off by StartCommit; many are handed
    // off whole, records and commit, to the producer's call thread.
    private void Start(List<Fire> fires, HashSet<string>? unknown, DateTimeOffset now, Action<IProducer<byte[]?, byte[]?>> write)
    {
        _firing = fires;
        _firingUnknown = unknown;
        _firingSince = now;
        if (fires.Count <= MaxInlineFires)
        {
            _commitPending = _producer!.Write(write);
        }
        else
        {
            _handedAt = Stopwatch.GetTimestamp();
            _producer!.StartCommit(write, NoteCommitted, beginNext: true, CommitReturned);
        }
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b)
        => a is { } x && (b is not { } y || x <= y) ? a : b;

    /// <summary>Hands off the commit of what <see cref="Fire"/> produced on the loop, if it did.</summary>
    public void StartCommit()
    {
        if (_commitPending && _producer is not null)
        {
            _commitPending = false;
            _handedAt = Stopwatch.GetTimestamp();
            _producer.StartCommit(committed: NoteCommitted, beginNext: true, returned: CommitReturned);
        }
    }

    /// <summary>
    /// Waits for the transaction <see cref="Fire"/> started (if any), applies its outcome to the book, then the records
    /// held while it was in flight. Returns false when the producer can no longer write (broken: the caller rebuilds);
    /// a fenced owner returns true and stops firing.
    /// </summary>
    public bool FinishFire()
    {
        if (_firing is null || _producer is null)
        {
            return true;
        }

        var usable = Collect(_producer);
        while (_held?.TryDequeue(out var record) == true)
        {
            Fold(record);
        }

        return usable;
    }

    private bool Collect(TransactionalProducer producer)
    {
        var fires = _firing!;
        var unknown = _firingUnknown;
        var now = _firingSince;
        StartCommit();
        _firing = null;
        _firingUnknown = null;
        var outcome = producer.AwaitCommit();
        switch (outcome)
        {
            case TransactionOutcome.Committed:
                Book.Confirm(fires);
                foreach (var fire in fires.Where(f => f.Reason == FireReason.Misfire))
                {
                    OwnerLog.Misfired(logger, fire.Entry.Name, fire.Occurrence);
                }

                FireReport.Committed(fires, unknown, _committedAt, this, logger);
                return true;
            case TransactionOutcome.Aborted:
                FireReport.Failed(fires, producer.LastError?.Reason, now, this);
                OwnerLog.FireFailed(logger, TopicPartition.Partition.Value, fires.Count, outcome.ToString(), producer.LastError?.Reason ?? "?");
                Book.Retry(fires, now + s_retryAfter);
                producer.BeginAhead();
                return true;
            case TransactionOutcome.Fenced:
                Fenced = true;
                FencedAt = now;
                OwnerLog.Fenced(logger, TopicPartition.Partition.Value);
                return true;
            default:
                FireReport.Failed(fires, producer.LastError?.Reason, now, this);
                OwnerLog.FireFailed(logger, TopicPartition.Partition.Value, fires.Count, outcome.ToString(), producer.LastError?.Reason ?? "?");
                return false;
        }
    }

    public void Dispose()
    {
        _producer?.Dispose();
        _producer = null;
    }

    // The records of one transaction: on the owners' loop (a few) or the producer's call thread (many); either way
    // nothing else touches this owner's shared occurrence bytes or the fires' entries until the commit is collected.
    private void Write(IProducer<byte[]?, byte[]?> p, List<Fire> fires, HashSet<string>? unknown, int from = 0)
    {
        for (var i = from; i < fires.Count; i++)
        {
            var fire = fires[i];
            var name = RecurringWire.Utf8(fire.Entry.Name);
            Share(fire.Occurrence);
            var (topic, target) = TargetOf(fire, name, unknown);
            p.Produce(topic, target);
            p.Produce(TopicPartition, Claim(fire, name));
        }
    }

    // The occurrence's record and where it goes: its target topic, or the dead-letter topic when the cluster lacks it.
    private (string Topic, Message<byte[]?, byte[]?> Message) TargetOf(Fire fire, byte[] name, HashSet<string>? unknown)
    {
        var target = fire.Entry.Definition.TargetTopic;
        return unknown?.Contains(target) == true ? (DeadLetterTopic, DeadLetter(fire, name)) : (target, Target(fire, name));
    }

    // On the producer's call thread when the commit returned: the end of the lateness metric.
    private void NoteCommitted() => _committedAt = time.GetUtcNow();

    private void Share(DateTimeOffset occurrence)
    {
        if (occurrence != _sharedOccurrence)
        {
            _sharedOccurrence = occurrence;
            _occurrenceDigits = RecurringWire.UnixMs(occurrence);
            var claim = new ClaimRecord(RecurringWire.Version, occurrence.ToUnixTimeMilliseconds(), null, instance);
            _scheduledClaim = JsonSerializer.SerializeToUtf8Bytes(claim, RecurringMessagesJsonContext.Default.ClaimRecord);
        }
    }

    // Header and value arrays may be shared between messages: Produce copies them into the client's buffers.
    private Message<byte[]?, byte[]?> Target(Fire fire, byte[] name)
    {
        var d = fire.Entry.Definition;
        var headers = new Headers();
        foreach (var h in d.Headers)
        {
            headers.Add(h.Name, h.Value);
        }

        headers.Add(RecurringWire.ScheduleHeader, name);
        headers.Add(RecurringWire.OccurrenceHeader, fire.Occurrence == _sharedOccurrence ? _occurrenceDigits : RecurringWire.UnixMs(fire.Occurrence));
        headers.Add(RecurringWire.InstanceHeader, _instance);
        headers.Add(RecurringWire.TriggerHeader, s_triggers[(int)fire.Reason]);
        return new Message<byte[]?, byte[]?> { Key = d.Key, Value = d.Value, Headers = headers };
    }

    // The record it would have produced, with why it is here and where it was going (docs/recurring-messages.md).
    private Message<byte[]?, byte[]?> DeadLetter(Fire fire, byte[] name)
    {
        var message = Target(fire, name);
        message.Headers.Add(DelayedHeaders.DeadLetterReason, RecurringWire.Utf8(DeadLetterReasons.TargetTopicUnknown));
        message.Headers.Add(DelayedHeaders.TargetTopic, RecurringWire.Utf8(fire.Entry.Definition.TargetTopic));
        return message;
    }

    // The target topics the cluster says it does not have; null (nothing allocated) in the usual case. The directory
    // answers from its cache after the first question per topic (a blocking metadata request, bounded to 10 s, on
    // this thread: once per topic and process), and runs of one topic are looked up once.
    private HashSet<string>? UnknownTargets(List<Fire> fires)
    {
        if (Targets is null)
        {
            return null;
        }

        HashSet<string>? unknown = null;
        string? previous = null;
        foreach (var fire in fires)
        {
            var topic = fire.Entry.Definition.TargetTopic;
            if (!string.Equals(topic, previous, StringComparison.Ordinal) && !Targets.Exists(topic))
            {
                (unknown ??= new(StringComparer.Ordinal)).Add(topic);
            }

            previous = topic;
        }

        return unknown;
    }

    private Message<byte[]?, byte[]?> Claim(Fire fire, byte[] name)
    {
        byte[] value;
        if (fire.TriggerOffset is null && fire.Occurrence == _sharedOccurrence)
        {
            value = _scheduledClaim;
        }
        else
        {
            var claim = new ClaimRecord(RecurringWire.Version, fire.Occurrence.ToUnixTimeMilliseconds(), fire.TriggerOffset, instance);
            value = JsonSerializer.SerializeToUtf8Bytes(claim, RecurringMessagesJsonContext.Default.ClaimRecord);
        }

        return new Message<byte[]?, byte[]?>
        {
            Key = name,
            Value = value,
            Headers = _claimHeaders,
        };
    }
}
