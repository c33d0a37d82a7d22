using System.Text;
using System.Text.Json;
using Carillon.RecurringMessages.Definitions;
using Carillon.RecurringMessages.Firing;
using Confluent.Kafka;

namespace Carillon.Monitoring.Following;

/// <summary>
/// Follows the recurring-messages topic (issue 11, "the dashboard and IScheduleMonitor show these schedules too"). Each
/// partition is folded into its own <see cref="ScheduleBook"/> with the runtime's own fold (<see cref="RecordFold"/>),
/// so the view applies definitions, removals, commands and claims exactly as the owners do; trigger offsets are per
/// partition, hence one book each. Besides the fold, it notes who wrote each schedule's latest claim.
/// <para>
/// Reads are cheap when a topic holds many schedules (issue 11 speaks of 100 k): a schedule's view is rebuilt only when
/// a record changed it or its next occurrence has passed, and the whole list only when either happened to any.
/// </para>
/// </summary>
internal sealed class RecurringMessagesFollower
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, ScheduleBook> _books = [];
    private readonly Dictionary<string, (string Instance, DateTimeOffset? TriggeredAt)> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ScheduleEntry Entry, long Version, RecurringMessageView View)> _views = new(StringComparer.Ordinal);
    private long _records;
    private (long Records, DateTimeOffset ValidUntil, IReadOnlyList<RecurringMessageView> List)? _list;

    /// <summary>Takes one record (the feed's thread, in each partition's offset order).</summary>
    public void Add(int partition, long offset, Message<byte[]?, byte[]?> message)
    {
        lock (_gate)
        {
            if (!_books.TryGetValue(partition, out var book))
            {
                // The misfire threshold only matters to an owner taking due occurrences, which this never does.
                book = new ScheduleBook(TimeSpan.Zero);
                _books[partition] = book;
            }

            _records++;
            if (RecordFold.Apply(book, message, offset))
            {
                NoteClaim(book, message);
            }

            book.ForgetDueTimes();
        }
    }

    /// <summary>Every schedule, ordered by name, with its next occurrence as of <paramref name="now"/>.</summary>
    public IReadOnlyList<RecurringMessageView> Read(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_list is { } cached && cached.Records == _records && now < cached.ValidUntil)
            {
                return cached.List;
            }

            var validUntil = DateTimeOffset.MaxValue;
            var list = new List<RecurringMessageView>(_views.Count);
            foreach (var (partition, book) in _books)
            {
                foreach (var entry in book.Entries)
                {
                    var view = CachedView(partition, entry, now);
                    if (view.NextOccurrence is { } next && next < validUntil)
                    {
                        validUntil = next;
                    }

                    list.Add(view);
                }
            }

            list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            _list = (_records, validUntil, list);
            return list;
        }
    }

    private void NoteClaim(ScheduleBook book, Message<byte[]?, byte[]?> message)
    {
        var name = message.Key is { } key ? Encoding.UTF8.GetString(key) : null;
        if (name is null)
        {
            return;
        }

        if (!book.TryGet(name, out _))
        {
            _claims.Remove(name); // removed (a tombstone), or a claim of a schedule the fold does not hold
            _views.Remove(name);
            return;
        }

        if (message.Headers?.TryGetLastBytes(RecurringWire.Kind, out var kind) != true
            || Encoding.UTF8.GetString(kind) != RecurringWire.ClaimKind
            || message.Value is null)
        {
            return;
        }

        // RecordFold has just read this claim: it parses.
        var claim = JsonSerializer.Deserialize(message.Value, RecurringMessagesJsonContext.Default.ClaimRecord)!;
        var triggeredAt = _claims.TryGetValue(name, out var known) ? known.TriggeredAt : null;
        if (claim.TriggerOffset is not null)
        {
            triggeredAt = DateTimeOffset.FromUnixTimeMilliseconds(claim.Occurrence);
        }

        _claims[name] = (claim.Instance, triggeredAt);
    }

    /// <summary>
    /// The view as last built while the entry is unchanged (its version moves with every record applied to it) and its
    /// next occurrence is still ahead; a disabled or ended schedule's null next occurrence stays null until a record.
    /// </summary>
    private RecurringMessageView CachedView(int partition, ScheduleEntry entry, DateTimeOffset now)
    {
        if (_views.TryGetValue(entry.Name, out var cached)
            && ReferenceEquals(cached.Entry, entry)
            && cached.Version == entry.Version
            && (cached.View.NextOccurrence is not { } next || next > now))
        {
            return cached.View;
        }

        var view = View(partition, entry, now);
        _views[entry.Name] = (entry, entry.Version, view);
        return view;
    }

    private RecurringMessageView View(int partition, ScheduleEntry entry, DateTimeOffset now)
    {
        var definition = entry.Definition;
        var next = entry.NextOccurrenceSeenAt(now);
        _claims.TryGetValue(entry.Name, out var claim);
        return new RecurringMessageView
        {
            Name = entry.Name,
            Cron = definition.Cron,
            TimeZone = definition.TimeZone,
            TargetTopic = definition.TargetTopic,
            Enabled = entry.Enabled,
            MisfirePolicy = definition.Misfire,
            StartAt = entry.StartAt,
            EndAt = entry.EndAt,
            Description = definition.Description,
            NextOccurrence = next,
            LastOccurrence = entry.LastClaimed,
            LastTriggeredAt = claim.TriggeredAt,
            LastInstance = claim.Instance,
            PendingTriggers = entry.Triggers.Count,
            Partition = partition,
        };
    }
}
