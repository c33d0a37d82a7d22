using System.Text;
using Carillon.Kafka.Tests.Health;
using Microsoft.Extensions.DependencyInjection;
using static Carillon.Kafka.Tests.RecurringMessages.RecurringMessagesKit;

namespace Carillon.Kafka.Tests.RecurringMessages;

/// <summary>
/// The owner builds a partition's next round before its due time (issue 11): the occurrences and their records are
/// made ahead, and only produced at the due time. A change the owner reads before the due time still wins
/// (docs/recurring-messages.md, "Changes and races"): the round built ahead is discarded and taken anew. The owners'
/// clock is held still here, so that the change is read, provably (a marker trigger on the same partition, written
/// after it), while the round waits for its due time; the owners log each round built ahead (event 5013).
/// </summary>
public sealed class RecurringMessagesBuiltAheadTests
{
    private const string Never = "0 0 1 1 *";

    [Fact]
    public async Task A_schedule_removed_after_its_round_was_built_ahead_does_not_fire_at_its_due_time()
    {
        var fired = await FireAfterAChangeAsync((api, name) => api.RemoveAsync(name));

        Assert.Empty(fired);
    }

    [Fact]
    public async Task A_schedule_disabled_after_its_round_was_built_ahead_does_not_fire_at_its_due_time()
    {
        var fired = await FireAfterAChangeAsync((api, name) => api.DisableAsync(name));

        Assert.Empty(fired);
    }

    [Fact]
    public async Task A_schedule_updated_after_its_round_was_built_ahead_fires_the_updated_record_at_its_due_time()
    {
        var fired = await FireAfterAChangeAsync((api, name) => api.AddOrUpdateAsync(name, CronAt(s_due), Target, null, Encoding.UTF8.GetBytes("v2")));

        Assert.Equal("v2", Encoding.UTF8.GetString(Assert.Single(fired).Message.Value!));
    }

    [Fact]
    public async Task An_unchanged_schedule_whose_round_was_built_ahead_fires_once_at_its_due_time()
    {
        var fired = await FireAfterAChangeAsync((_, _) => Task.CompletedTask);

        var record = Assert.Single(fired);
        Assert.Equal("v1", Encoding.UTF8.GetString(record.Message.Value!));
        Assert.Equal(s_due.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), Header(record, "carillon-recurring-occurrence"));
    }

    [Fact]
    public async Task A_round_larger_than_what_is_built_ahead_fires_each_occurrence_once_with_its_own_record()
    {
        // 600 on one partition: more than the owner builds ahead (256) and than it produces on its loop (500), so the
        // records built ahead and those made as they are produced go out together, on the producer's call thread.
        using var kit = new RecurringMessagesKit();
        var clock = new HeldClock(s_due.AddMinutes(-1));
        var logs = new CapturingLoggerProvider();
        using var host = await kit.StartHostAsync(logs: logs, time: clock);
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var marker = NameOn(0, "marker");
        var names = Enumerable.Range(0, 600).Select(i => NameOn(0, $"tenant{i:D3}")).ToList();
        await api.AddOrUpdateAsync(marker, Never, Target, null, Encoding.UTF8.GetBytes("marker"));
        await Task.WhenAll(names.Select(n => api.AddOrUpdateAsync(n, CronAt(s_due), Target, null, Encoding.UTF8.GetBytes(n))));
        await api.TriggerAsync(marker);
        kit.ReadUntil(r => Of(r, marker).Any());

        clock.Now = s_due.AddMilliseconds(-300);
        await EventuallyAsync(() => logs.Lines.Any(l => l.Message.StartsWith($"Recurring-messages partition 0: built {names.Count} occurrences", StringComparison.Ordinal)));
        clock.Now = s_due.AddMilliseconds(100);

        // Once every occurrence was read, a marker triggered is taken after the round: up to it, any repeat is in.
        var set = names.ToHashSet(StringComparer.Ordinal);
        kit.ReadUntil(r => r.Select(x => Header(x, "carillon-recurring-name")).Where(n => n is not null && set.Contains(n)).Distinct().Count() == names.Count);
        await api.TriggerAsync(marker);
        var all = kit.ReadUntil(r => Of(r, marker).Count() >= 2);
        await host.StopAsync();

        var due = s_due.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var byName = all.ToLookup(x => Header(x, "carillon-recurring-name"));
        Assert.All(names, n =>
        {
            var record = Assert.Single(byName[n]);
            Assert.Equal(n, Encoding.UTF8.GetString(record.Message.Value!));
            Assert.Equal(due, Header(record, "carillon-recurring-occurrence"));
        });
    }

    // Two hours ahead on a whole minute: after every record's write time (a new series starts after it).
    private static readonly DateTimeOffset s_due = new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddHours(2);

    private static string CronAt(DateTimeOffset at) => $"0 {at.Minute} {at.Hour} * * *";

    // Defines a schedule due at s_due, holds the owners' clock just before it until the round is built ahead, applies
    // the change, proves the owner read it, then moves the clock past the due time; returns what the schedule fired.
    private static async Task<List<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>>> FireAfterAChangeAsync(Func<IRecurringMessages, string, Task> change)
    {
        using var kit = new RecurringMessagesKit();
        var clock = new HeldClock(s_due.AddMinutes(-1));
        var logs = new CapturingLoggerProvider();
        using var host = await kit.StartHostAsync(logs: logs, time: clock);
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var nightly = NameOn(0, "nightly");
        var marker = NameOn(0, "marker");
        await api.AddOrUpdateAsync(marker, Never, Target, null, Encoding.UTF8.GetBytes("marker"));
        await api.AddOrUpdateAsync(nightly, CronAt(s_due), Target, null, Encoding.UTF8.GetBytes("v1"));
        await api.TriggerAsync(marker);
        kit.ReadUntil(r => Of(r, marker).Any());

        clock.Now = s_due.AddMilliseconds(-300);
        await EventuallyAsync(() => logs.Lines.Any(l => l.Message.StartsWith($"Recurring-messages partition {PartitionOf(nightly)}: built 1 occurrences", StringComparison.Ordinal)));

        await change(api, nightly);
        await api.TriggerAsync(marker);
        kit.ReadUntil(r => Of(r, marker).Count() >= 2);

        // The first marker written after the move is taken with, or after, the due occurrence (possibly in the same
        // transaction, after it); the second follows that transaction.
        clock.Now = s_due.AddMilliseconds(100);
        await api.TriggerAsync(marker);
        kit.ReadUntil(r => Of(r, marker).Count() >= 3);
        await api.TriggerAsync(marker);
        var all = kit.ReadUntil(r => Of(r, marker).Count() >= 4);
        await host.StopAsync();
        return [.. Of(all, nightly)];
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the owner did not build the round ahead within 120 s");
            await Task.Delay(50);
        }
    }

    /// <summary>A wall clock that stands still where the test puts it; timers and timestamps stay real.</summary>
    private sealed class HeldClock(DateTimeOffset now) : TimeProvider
    {
        private long _ticks = now.UtcTicks;

        public DateTimeOffset Now
        {
            get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
        }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
