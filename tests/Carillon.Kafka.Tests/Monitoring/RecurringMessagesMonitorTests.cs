using System.Text;
using Carillon.Kafka.Tests.Recurring;
using Carillon.Kafka.Tests.RecurringMessages;
using Carillon.Monitoring;
using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Kafka.Tests.Monitoring;

/// <summary>
/// Recurring messages in the read model (issue 11, "the dashboard and IScheduleMonitor show these schedules too"): a
/// separate monitor reads what the API wrote and the owner claimed in the recurring-messages topic.
/// </summary>
public sealed class RecurringMessagesMonitorTests
{
    private const string EverySecond = "* * * * * *";
    private const string Yearly = "0 0 1 1 *"; // fires only when triggered during a test

    [Fact]
    public async Task A_monitor_shows_each_recurring_message_with_its_definition_next_occurrence_and_last_claim()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(o => o.InstanceId = "rm-owner");
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        await api.AddOrUpdateAsync("b-nightly", "0 2 * * *", RecurringMessagesKit.Target, null, Encoding.UTF8.GetBytes("b"),
            options: new RecurringMessageOptions { TimeZone = "Europe/Paris", Description = "tenant b's <report>", MisfirePolicy = MisfirePolicy.Skip });
        await api.AddOrUpdateAsync("a-fast", EverySecond, RecurringMessagesKit.Target, null, Encoding.UTF8.GetBytes("a"));
        kit.ReadUntil(r => RecurringMessagesKit.Of(r, "a-fast").Any());
        using var opened = OpenedMonitor.Open(kit.Kafka.BootstrapServers);

        ScheduleView schedule = null!;
        await KafkaTestKit.EventuallyAsync(
            () => (schedule = opened.Monitor.GetSchedule()).RecurringMessages.FirstOrDefault(m => m.Name == "a-fast")?.LastOccurrence is not null
                && schedule.RecurringMessages.Any(m => m.Name == "b-nightly"),
            "both schedules, a-fast claimed, in the view");

        Assert.Equal(["a-fast", "b-nightly"], schedule.RecurringMessages.Select(m => m.Name));
        var fast = schedule.RecurringMessages[0];
        Assert.Equal((EverySecond, (string?)null, RecurringMessagesKit.Target, true, "rm-owner"), (fast.Cron, fast.TimeZone, fast.TargetTopic, fast.Enabled, fast.LastInstance));
        Assert.Equal(RecurringMessagesKit.PartitionOf("a-fast"), fast.Partition);
        var nightly = schedule.RecurringMessages[1];
        Assert.Equal(("0 2 * * *", "Europe/Paris", "tenant b's <report>", MisfirePolicy.Skip, true), (nightly.Cron, nightly.TimeZone, nightly.Description, nightly.MisfirePolicy, nightly.Enabled));
        Assert.Null(nightly.LastOccurrence);
        Assert.Equal(NextParisTwoAm(schedule.AsOf), nightly.NextOccurrence);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_monitor_follows_disable_trigger_and_removal_of_recurring_messages()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(o => o.InstanceId = "rm-owner");
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        await api.AddOrUpdateAsync("yearly", Yearly, RecurringMessagesKit.Target, null, Encoding.UTF8.GetBytes("y"));
        await api.AddOrUpdateAsync("doomed", Yearly, RecurringMessagesKit.Target, null, Encoding.UTF8.GetBytes("d"));
        using var opened = OpenedMonitor.Open(kit.Kafka.BootstrapServers);
        var monitor = opened.Monitor;
        await KafkaTestKit.EventuallyAsync(() => monitor.GetSchedule().RecurringMessages.Count == 2, "both schedules in the view");

        await api.DisableAsync("yearly");
        await api.TriggerAsync("yearly");
        await api.RemoveAsync("doomed");

        // Following, not re-reading: the same monitor sees each change as the topic gets it.
        RecurringMessageView? yearly = null;
        await KafkaTestKit.EventuallyAsync(
            () => (yearly = monitor.GetSchedule().RecurringMessages.SingleOrDefault(m => m.Name == "yearly")) is { Enabled: false, LastTriggeredAt: not null }
                && monitor.GetSchedule().RecurringMessages.Count == 1,
            "yearly disabled and its trigger produced, doomed gone");
        Assert.Null(yearly!.NextOccurrence);
        Assert.Equal(0, yearly.PendingTriggers);
        Assert.Equal("rm-owner", yearly.LastInstance);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_change_number_moves_when_a_record_arrives_and_an_awaiting_reader_wakes()
    {
        using var kit = new RecurringMessagesKit();
        using var opened = OpenedMonitor.Open(kit.Kafka.BootstrapServers);
        var monitor = opened.Monitor;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await monitor.WaitUntilCaughtUpAsync(timeout.Token);
        var before = monitor.ChangeVersion;
        var woken = monitor.WaitForChangeAsync(before, timeout.Token);
        Assert.False(woken.IsCompleted);

        using var host = await kit.StartHostAsync();
        await host.Services.GetRequiredService<IRecurringMessages>().AddOrUpdateAsync("late", Yearly, RecurringMessagesKit.Target, null, null);

        var after = await woken;
        Assert.NotEqual(before, after);
        await KafkaTestKit.EventuallyAsync(() => monitor.GetSchedule().RecurringMessages.Any(m => m.Name == "late"), "the new schedule in the view");
        await host.StopAsync();
    }

    private static DateTimeOffset NextParisTwoAm(DateTimeOffset after)
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var local = TimeZoneInfo.ConvertTime(after, paris);
        var candidate = new DateTime(local.Year, local.Month, local.Day, 2, 0, 0, DateTimeKind.Unspecified);
        if (candidate <= local.DateTime)
        {
            candidate = candidate.AddDays(1);
        }

        return new DateTimeOffset(candidate, paris.GetUtcOffset(candidate));
    }
}
