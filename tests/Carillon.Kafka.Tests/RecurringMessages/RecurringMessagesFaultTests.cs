using System.Globalization;
using System.Text;
using Carillon.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using static Carillon.Kafka.Tests.RecurringMessages.RecurringMessagesKit;

namespace Carillon.Kafka.Tests.RecurringMessages;

/// <summary>
/// Broker errors while an owner fires or takes its partitions (issue 11): the owner survives them (a fenced owner that
/// is not revoked rejoins and reloads) and no occurrence is produced twice. The test broker shows records of aborted
/// or unfinished transactions to read_committed readers, so the check is Carillon's own claims: an occurrence whose
/// claim is in the log is never fired again.
/// </summary>
public sealed class RecurringMessagesFaultTests
{
    [Theory]
    [InlineData(KafkaApiKey.EndTxn, ErrorCode.ProducerFenced)]
    [InlineData(KafkaApiKey.EndTxn, ErrorCode.NotCoordinatorForGroup)]
    [InlineData(KafkaApiKey.Produce, ErrorCode.RequestTimedOut)]
    public async Task Errors_while_firing_are_survived_and_no_occurrence_is_produced_twice(KafkaApiKey api, ErrorCode error)
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        await host.Services.GetRequiredService<IRecurringMessages>().AddOrUpdateAsync("steady", "* * * * * *", Target, null, Encoding.UTF8.GetBytes("s"));
        kit.ReadUntil(r => r.Count >= 1);

        kit.Kafka.InjectRequestErrors(api, error, error, error);
        var injectedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Well past the errors (a fenced owner waits two sessions, then rejoins): it fires again.
        var got = kit.ReadUntil(r => Occurrences(r).Any(o => o > injectedAt + 20_000));
        var occurrences = Occurrences(got);
        Assert.Equal(occurrences.Distinct().Count(), occurrences.Count);
        await host.StopAsync();
    }

    [Theory]
    [InlineData(KafkaApiKey.InitProducerId, ErrorCode.ProducerFenced)]
    [InlineData(KafkaApiKey.InitProducerId, ErrorCode.GroupLoadInProgress)]
    [InlineData(KafkaApiKey.JoinGroup, ErrorCode.RequestTimedOut)]
    public async Task Errors_while_taking_the_partitions_are_survived(KafkaApiKey api, ErrorCode error)
    {
        using var kit = new RecurringMessagesKit();
        var writer = CarillonStandalone.CreateRecurringMessages(new CarillonOptions { BootstrapServers = kit.Kafka.BootstrapServers, ProvisionTopics = false });
        await writer.AddOrUpdateAsync("steady", "* * * * * *", Target, null, Encoding.UTF8.GetBytes("s"));
        (writer as IDisposable)?.Dispose();

        // Before the owner starts: its group join and its producer's InitTransactions meet the errors.
        kit.Kafka.InjectRequestErrors(api, error, error, error);
        using var host = await kit.StartHostAsync();

        var got = kit.ReadUntil(r => r.Count >= 3);
        var occurrences = Occurrences(got);
        Assert.Equal(occurrences.Distinct().Count(), occurrences.Count);
        await host.StopAsync();
    }

    private static List<long> Occurrences(IEnumerable<ConsumeResult<byte[]?, byte[]?>> records)
        => [.. records.Select(r => long.Parse(Header(r, "carillon-recurring-occurrence")!, CultureInfo.InvariantCulture))];
}
