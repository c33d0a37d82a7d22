using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using static Carillon.Kafka.Tests.RecurringMessages.RecurringMessagesKit;

namespace Carillon.Kafka.Tests.RecurringMessages;

/// <summary>
/// A schedule whose target topic the cluster does not have (issue 11; docs/recurring-messages.md, "Target topics"):
/// its occurrences go to the dead-letter topic, claimed, and the other schedules of its partition fire on. The test
/// broker creates any topic a metadata request names unless the client asks it not to: asking it not to is how a
/// cluster without auto-creation answers.
/// </summary>
public sealed class RecurringMessagesTargetTopicTests
{
    private const string EverySecond = "* * * * * *";
    private static readonly Action<CarillonOptions> s_noAutoCreate = o => o.Kafka["allow.auto.create.topics"] = "false";

    [Fact]
    public async Task An_occurrence_for_a_missing_topic_is_dead_lettered_and_another_schedule_on_its_partition_keeps_firing()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(s_noAutoCreate);
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var lost = NameOn(0, "lost");
        var kept = NameOn(0, "kept");

        await api.AddOrUpdateAsync(lost, EverySecond, "absent", Encoding.UTF8.GetBytes("k1"), Encoding.UTF8.GetBytes("nowhere"), [new("app", Encoding.UTF8.GetBytes("a"))]);
        await api.AddOrUpdateAsync(kept, EverySecond, Target, null, Encoding.UTF8.GetBytes("somewhere"));

        var fired = kit.ReadUntil(r => Of(r, kept).Count() >= 3);
        Assert.Empty(Of(fired, lost));
        var dead = kit.ReadUntil(DeadLetterTopic, r => r.Count >= 2);
        var first = dead[0];
        Assert.Equal("k1", Encoding.UTF8.GetString(first.Message.Key!));
        Assert.Equal("nowhere", Encoding.UTF8.GetString(first.Message.Value!));
        Assert.Equal("target-topic-unknown", Header(first, "carillon-dlq-reason"));
        Assert.Equal("absent", Header(first, "carillon-target-topic"));
        Assert.Equal(lost, Header(first, "carillon-recurring-name"));
        Assert.Equal("a", Header(first, "app"));
        var occurrences = dead.Select(r => long.Parse(Header(r, "carillon-recurring-occurrence")!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(occurrences.Distinct().Count(), occurrences.Count);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_dead_lettered_occurrence_is_claimed_so_a_new_owner_does_not_dead_letter_it_again()
    {
        using var kit = new RecurringMessagesKit();
        var host = await kit.StartHostAsync(s_noAutoCreate);
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var lost = NameOn(1, "lost");
        await api.AddOrUpdateAsync(lost, "0 0 1 1 *", "absent", null, Encoding.UTF8.GetBytes("nowhere"));
        await api.TriggerAsync(lost);
        kit.ReadUntil(DeadLetterTopic, r => r.Count >= 1);
        await host.StopAsync();
        host.Dispose();

        // The next owner reloads the partition, trigger and claim included; a marker on the same partition shows it ran.
        using var next = await kit.StartHostAsync(s_noAutoCreate);
        var marker = NameOn(1, "marker");
        await next.Services.GetRequiredService<IRecurringMessages>().AddOrUpdateAsync(marker, "0 0 1 1 *", Target, null, Encoding.UTF8.GetBytes("m"));
        await next.Services.GetRequiredService<IRecurringMessages>().TriggerAsync(marker);
        kit.ReadUntil(r => Of(r, marker).Any());
        Assert.Single(DeadLetters(kit));
        await next.StopAsync();
    }

    private static List<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>> DeadLetters(RecurringMessagesKit kit)
        => Delayed.DelayedTestKit.ReadUntil(kit.Kafka.BootstrapServers, DeadLetterTopic, _ => false, TimeSpan.FromSeconds(3));
}
