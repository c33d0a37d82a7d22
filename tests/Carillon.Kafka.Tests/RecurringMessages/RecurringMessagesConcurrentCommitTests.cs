using System.Globalization;
using System.Text;
using Carillon.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using static Carillon.Kafka.Tests.RecurringMessages.RecurringMessagesKit;

namespace Carillon.Kafka.Tests.RecurringMessages;

/// <summary>
/// The owners' loop keeps every owned partition's firing transaction in flight at once (issue 11): each partition
/// still has one transaction at a time through its own fenced producer, so occurrences stay exactly once, and a
/// partition whose producer was fenced does not hold the others back.
/// </summary>
public sealed class RecurringMessagesConcurrentCommitTests
{
    private const string EverySecond = "* * * * * *";
    private const string EveryTwoSeconds = "*/2 * * * * *";
    private const int BurstSize = 1_200;

    [Fact]
    public async Task Occurrences_of_every_partition_committed_together_come_out_exactly_once_and_in_sequence()
    {
        using var kit = new RecurringMessagesKit();

        // Everything a slow machine delays counts as late, not missed: each schedule's series must have no gap.
        using var host = await kit.StartHostAsync(o => o.RecurringMessages.MisfireThreshold = TimeSpan.FromMinutes(5));
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var names = Enumerable.Range(0, Partitions).SelectMany(p => new[] { NameOn(p, "a"), NameOn(p, "b") }).ToList();
        foreach (var name in names)
        {
            await api.AddOrUpdateAsync(name, EverySecond, Target, null, Encoding.UTF8.GetBytes(name));
        }

        var got = kit.ReadUntil(r => names.All(n => Of(r, n).Count() >= 5));

        Assert.All(names, name =>
        {
            var occurrences = Occurrences(Of(got, name)).Order().ToList();
            Assert.All(occurrences.Zip(occurrences.Skip(1)), pair => Assert.Equal(1000, pair.Second - pair.First));
        });
        await host.StopAsync();
    }

    [Fact]
    public async Task A_burst_of_occurrences_on_one_partition_comes_out_exactly_once_and_in_sequence()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(o => o.RecurringMessages.MisfireThreshold = TimeSpan.FromMinutes(5));
        var api = host.Services.GetRequiredService<IRecurringMessages>();

        // Hundreds due at one instant on one partition: a burst the owner writes on its producer's own thread.
        var names = Enumerable.Range(0, 10_000).Select(i => $"burst-{i}").Where(n => PartitionOf(n) == 0).Take(BurstSize).ToList();
        await Task.WhenAll(names.Select(n => api.AddOrUpdateAsync(n, EveryTwoSeconds, Target, null, Encoding.UTF8.GetBytes(n))));

        var got = kit.ReadUntil(EachAtLeast(names, 3));

        Assert.All(names, name =>
        {
            var occurrences = Occurrences(Of(got, name)).Order().ToList();
            Assert.All(occurrences.Zip(occurrences.Skip(1)), pair => Assert.Equal(2000, pair.Second - pair.First));
        });
        await host.StopAsync();
    }

    [Fact]
    public async Task A_removal_read_while_its_partition_writes_a_burst_stops_the_schedule_after_that_round()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(o => o.RecurringMessages.MisfireThreshold = TimeSpan.FromMinutes(5));
        var api = host.Services.GetRequiredService<IRecurringMessages>();

        // A burst every 2 s on partition 0, written on its producer's thread: what the owner reads for partition 0
        // while a round is in flight is held and applied before the partition's next round (docs/recurring-messages.md).
        var burst = Enumerable.Range(0, 10_000).Select(i => $"burst-{i}").Where(n => PartitionOf(n) == 0).Take(BurstSize).ToList();
        await Task.WhenAll(burst.Select(n => api.AddOrUpdateAsync(n, EveryTwoSeconds, Target, null, Encoding.UTF8.GetBytes(n))));
        var gone = NameOn(0, "gone");
        var marker = NameOn(0, "marker");
        await api.AddOrUpdateAsync(marker, "0 0 1 1 *", Target, null, Encoding.UTF8.GetBytes("marker"));
        await api.AddOrUpdateAsync(gone, EverySecond, Target, null, Encoding.UTF8.GetBytes("gone"));
        kit.ReadUntil(r => Of(r, gone).Any());

        await api.RemoveAsync(gone);
        await api.TriggerAsync(marker);

        var upToMarker = kit.ReadUntil(r => Of(r, marker).Any());
        var later = kit.ReadUntil(EachAtLeast([.. burst.Take(1)], Occurrences(Of(upToMarker, burst[0])).Count + 2));
        Assert.Equal(Of(upToMarker, gone).Count(), Of(later, gone).Count());
        await host.StopAsync();
    }

    [Fact]
    public async Task A_fenced_partition_does_not_stop_the_other_partitions_firing()
    {
        using var kit = new RecurringMessagesKit();

        // A long session: a fenced partition is given up only after two sessions, so it stays fenced for the whole test.
        using var host = await kit.StartHostAsync(o => o.SessionTimeout = TimeSpan.FromMinutes(2));
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var names = Enumerable.Range(0, Partitions).Select(p => NameOn(p, "steady")).ToList();
        foreach (var name in names)
        {
            await api.AddOrUpdateAsync(name, EverySecond, Target, null, Encoding.UTF8.GetBytes(name));
        }

        kit.ReadUntil(r => names.All(n => Of(r, n).Any()));

        // The test broker does not fence by epoch: the next commit of one of the owners' producers (whichever comes
        // first) is told it was fenced, as a new owner's InitTransactions would make it.
        kit.Kafka.InjectRequestErrors(KafkaApiKey.EndTxn, ErrorCode.ProducerFenced);

        // The partitions move in step while all fire; one falling 3 occurrences behind every other has stopped, and
        // the others went on without it.
        var got = kit.ReadUntil(r => names.Any(stopped => BehindEveryOther(r, names, stopped) >= 3));
        Assert.All(names, name =>
        {
            var occurrences = Occurrences(Of(got, name));
            Assert.Equal(occurrences.Distinct().Count(), occurrences.Count);
        });
        await host.StopAsync();
    }

    // Counts as it reads (the reader asks after every record): true once every name has come out `count` times.
    private static Func<List<ConsumeResult<byte[]?, byte[]?>>, bool> EachAtLeast(List<string> names, int count)
    {
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var read = 0;
        var complete = 0;
        return records =>
        {
            for (; read < records.Count; read++)
            {
                if (Header(records[read], "carillon-recurring-name") is { } name && wanted.Contains(name)
                    && (seen[name] = seen.GetValueOrDefault(name) + 1) == count)
                {
                    complete++;
                }
            }

            return complete == wanted.Count;
        };
    }

    private static long BehindEveryOther(List<ConsumeResult<byte[]?, byte[]?>> records, List<string> names, string stopped)
    {
        var last = Occurrences(Of(records, stopped)).DefaultIfEmpty(long.MaxValue).Max();
        return names.Where(n => n != stopped).Min(n => Occurrences(Of(records, n)).Count(o => o > last));
    }

    private static List<long> Occurrences(IEnumerable<ConsumeResult<byte[]?, byte[]?>> records)
        => [.. records.Select(r => long.Parse(Header(r, "carillon-recurring-occurrence")!, CultureInfo.InvariantCulture))];
}
