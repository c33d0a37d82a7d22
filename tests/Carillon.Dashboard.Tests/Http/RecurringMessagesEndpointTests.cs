using System.Text.Json;
using Carillon.Dashboard.Tests.Doubles;
using Carillon.Monitoring;

namespace Carillon.Dashboard.Tests.Http;

/// <summary><c>api/recurring-messages</c>: the schedules defined at run time (issue 11), from the read model.</summary>
public sealed class RecurringMessagesEndpointTests
{
    [Fact]
    public async Task Recurring_messages_endpoint_lists_each_schedule_in_camel_case_with_markup_escaped()
    {
        var monitor = new FakeScheduleMonitor();
        monitor.SetSchedule(new ScheduleView
        {
            AsOf = FakeScheduleMonitor.Now,
            Tasks = [],
            RecurringMessages =
            [
                new RecurringMessageView
                {
                    Name = "tenant-42.report",
                    Cron = "0 2 * * *",
                    TimeZone = "Europe/Paris",
                    TargetTopic = "reports",
                    Enabled = true,
                    MisfirePolicy = MisfirePolicy.Skip,
                    Description = "<b>nightly</b>",
                    NextOccurrence = FakeScheduleMonitor.Now.AddHours(5),
                    LastOccurrence = FakeScheduleMonitor.Now.AddHours(-19),
                    LastInstance = "worker-2",
                    Partition = 4,
                },
            ],
        });
        await using var app = await DashboardApp.StartAsync(monitor: monitor);

        var raw = await app.CreateClient().GetStringAsync(DashboardApp.Prefix + "/api/recurring-messages");
        var body = JsonDocument.Parse(raw).RootElement;

        var schedule = Assert.Single(body.GetProperty("schedules").EnumerateArray());
        Assert.Equal("tenant-42.report", schedule.GetProperty("name").GetString());
        Assert.Equal("0 2 * * *", schedule.GetProperty("cron").GetString());
        Assert.Equal("Europe/Paris", schedule.GetProperty("timeZone").GetString());
        Assert.Equal("reports", schedule.GetProperty("targetTopic").GetString());
        Assert.True(schedule.GetProperty("enabled").GetBoolean());
        Assert.Equal("skip", schedule.GetProperty("misfirePolicy").GetString());
        Assert.Equal(FakeScheduleMonitor.Now.AddHours(5), schedule.GetProperty("nextOccurrence").GetDateTimeOffset());
        Assert.Equal(FakeScheduleMonitor.Now.AddHours(-19), schedule.GetProperty("lastOccurrence").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, schedule.GetProperty("lastTriggeredAt").ValueKind);
        Assert.Equal("worker-2", schedule.GetProperty("lastInstance").GetString());
        Assert.Equal(4, schedule.GetProperty("partition").GetInt32());
        Assert.Equal("<b>nightly</b>", schedule.GetProperty("description").GetString());
        Assert.DoesNotContain("<b>", raw);
    }
}
