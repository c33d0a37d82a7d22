using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Carillon.Dashboard.Tests.Doubles;
using Carillon.Monitoring;
using Microsoft.AspNetCore.Builder;

namespace Carillon.Dashboard.Tests.Http;

/// <summary>The JSON endpoints: the read model in the documented camelCase shape (docs/dashboard.md).</summary>
public sealed class ReadEndpointTests
{
    private static readonly DateTimeOffset s_occurrence = FakeScheduleMonitor.Now.AddMinutes(-1);

    private static async Task<JsonElement> GetJsonAsync(DashboardApp app, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await app.CreateClient().GetAsync(DashboardApp.Prefix + "/" + path);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Schedule_lists_tasks_and_owner_in_camel_case()
    {
        var monitor = new FakeScheduleMonitor();
        var lastRun = FakeScheduleMonitor.Run("report", s_occurrence, ScheduledRunOutcome.Failed, "boom");
        monitor.SetSchedule(FakeScheduleMonitor.ScheduleOf(FakeScheduleMonitor.TaskOf("report", lastRun: lastRun, missed: 2)));
        await using var app = await DashboardApp.StartAsync(monitor: monitor);

        var schedule = await GetJsonAsync(app, "api/schedule");

        var owner = schedule.GetProperty("owner");
        Assert.Equal("worker-1", owner.GetProperty("instance").GetString());
        Assert.Equal("1.0.0", owner.GetProperty("scheduleVersion").GetString());
        Assert.Equal(1, owner.GetProperty("standbyCount").GetInt32());
        var task = Assert.Single(schedule.GetProperty("tasks").EnumerateArray());
        Assert.Equal("report", task.GetProperty("id").GetString());
        Assert.Equal("* * * * *", task.GetProperty("cron").GetString());
        Assert.Equal("Europe/Paris", task.GetProperty("timeZone").GetString());
        Assert.True(task.GetProperty("enabled").GetBoolean());
        Assert.Equal(30000, task.GetProperty("timeoutMs").GetDouble());
        Assert.Equal(FakeScheduleMonitor.Now.AddMinutes(1), task.GetProperty("nextOccurrence").GetDateTimeOffset());
        Assert.Equal(2, task.GetProperty("missedOccurrences").GetInt32());
        Assert.True(task.GetProperty("overdue").GetBoolean());
        var run = task.GetProperty("lastRun");
        Assert.Equal("failed", run.GetProperty("outcome").GetString());
        Assert.Equal("schedule", run.GetProperty("trigger").GetString());
        Assert.Equal(250, run.GetProperty("durationMs").GetDouble());
        Assert.Equal(40, run.GetProperty("latenessMs").GetDouble());
        Assert.Equal("boom", run.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Task_endpoint_returns_the_task_with_its_runs_newest_first()
    {
        var monitor = new FakeScheduleMonitor();
        monitor.SetSchedule(FakeScheduleMonitor.ScheduleOf(FakeScheduleMonitor.TaskOf("report"), FakeScheduleMonitor.TaskOf("other")));
        monitor.AddRun(FakeScheduleMonitor.Run("report", s_occurrence.AddMinutes(-1)));
        monitor.AddRun(FakeScheduleMonitor.Run("other", s_occurrence));
        monitor.AddRun(FakeScheduleMonitor.Run("report", s_occurrence, ScheduledRunOutcome.SkippedDisabled));
        await using var app = await DashboardApp.StartAsync(monitor: monitor);

        var detail = await GetJsonAsync(app, "api/tasks/report");

        Assert.Equal("report", detail.GetProperty("task").GetProperty("id").GetString());
        var runs = detail.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["skippedDisabled", "succeeded"], runs.Select(r => r.GetProperty("outcome").GetString()));
        Assert.All(runs, r => Assert.Equal("report", r.GetProperty("taskId").GetString()));
    }

    [Fact]
    public async Task Task_endpoint_answers_404_for_a_task_the_topic_never_named()
    {
        await using var app = await DashboardApp.StartAsync();

        var error = await GetJsonAsync(app, "api/tasks/ghost", HttpStatusCode.NotFound);

        Assert.Contains("ghost", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Runs_endpoint_lists_runs_of_every_task_up_to_max()
    {
        var monitor = new FakeScheduleMonitor();
        for (var i = 0; i < 5; i++)
        {
            monitor.AddRun(FakeScheduleMonitor.Run(i % 2 == 0 ? "a" : "b", s_occurrence.AddMinutes(i)));
        }

        await using var app = await DashboardApp.StartAsync(monitor: monitor);

        var runs = await GetJsonAsync(app, "api/runs?max=3");

        Assert.Equal(3, runs.GetArrayLength());
        Assert.Equal(s_occurrence.AddMinutes(4), runs[0].GetProperty("occurrence").GetDateTimeOffset());
    }

    [Fact]
    public async Task Delayed_endpoint_shows_partitions_and_totals()
    {
        var monitor = new FakeScheduleMonitor
        {
            Delayed = new DelayedView
            {
                AsOf = FakeScheduleMonitor.Now,
                Partitions =
                [
                    new DelayedPartitionView { Partition = 0, Pending = 3, NextDue = FakeScheduleMonitor.Now.AddSeconds(5), OldestPending = FakeScheduleMonitor.Now.AddHours(-1), Dispatched = 10, DeadLettered = 1 },
                    new DelayedPartitionView { Partition = 1, Pending = 2, Dispatched = 4 },
                ],
            },
        };
        await using var app = await DashboardApp.StartAsync(monitor: monitor);

        var delayed = await GetJsonAsync(app, "api/delayed");

        Assert.Equal(5, delayed.GetProperty("pending").GetInt64());
        Assert.Equal(14, delayed.GetProperty("dispatched").GetInt64());
        Assert.Equal(1, delayed.GetProperty("deadLettered").GetInt64());
        var first = delayed.GetProperty("partitions")[0];
        Assert.Equal(0, first.GetProperty("partition").GetInt32());
        Assert.Equal(FakeScheduleMonitor.Now.AddSeconds(5), first.GetProperty("nextDue").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, delayed.GetProperty("partitions")[1].GetProperty("nextDue").ValueKind);
    }

    [Fact]
    public async Task Dead_letters_endpoint_shows_reason_target_and_key()
    {
        var monitor = new FakeScheduleMonitor();
        monitor.DeadLetters.Add(new DeadLetterView { Reason = "expired", TargetTopic = "orders", ScheduleKey = "<b>k</b>", At = FakeScheduleMonitor.Now, SourcePartition = 2, SourceOffset = 17 });
        await using var app = await DashboardApp.StartAsync(monitor: monitor);

        var letters = await GetJsonAsync(app, "api/dead-letters");

        var letter = Assert.Single(letters.EnumerateArray());
        Assert.Equal("expired", letter.GetProperty("reason").GetString());
        Assert.Equal("orders", letter.GetProperty("targetTopic").GetString());
        Assert.Equal("<b>k</b>", letter.GetProperty("scheduleKey").GetString());
        Assert.Equal(17, letter.GetProperty("sourceOffset").GetInt64());
    }

    [Fact]
    public async Task Json_escapes_markup_read_from_kafka()
    {
        var monitor = new FakeScheduleMonitor();
        monitor.SetSchedule(FakeScheduleMonitor.ScheduleOf(FakeScheduleMonitor.TaskOf("<script>x</script>")));
        await using var app = await DashboardApp.StartAsync(monitor: monitor);

        var raw = await app.CreateClient().GetStringAsync(DashboardApp.Prefix + "/api/schedule");

        Assert.DoesNotContain("<script>", raw);
    }

    [Fact]
    public async Task Without_a_read_model_the_api_answers_503_naming_what_is_missing()
    {
        await using var app = await DashboardApp.StartAsync(registerMonitor: false);

        var error = await GetJsonAsync(app, "api/schedule", HttpStatusCode.ServiceUnavailable);

        Assert.Contains("IScheduleMonitor", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Authorization_on_the_group_applies_to_the_read_endpoints()
    {
        await using var app = await DashboardApp.StartAsync(onGroup: g => g.RequireAuthorization(DashboardApp.OpsPolicy));

        using var anonymous = await app.CreateClient().GetAsync(DashboardApp.Prefix + "/api/schedule");
        var ops = new DashboardSession(app.CreateClient(), "alice", "ops");
        using var authorized = await ops.GetAsync("api/schedule");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }
}
