using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Carillon.Dashboard.Tests.Doubles;

namespace Carillon.Dashboard.Tests.Http;

/// <summary>Live updates: <c>api/events</c> streams server-sent events when the read model changes (docs/dashboard.md).</summary>
public sealed class EventStreamTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Events_open_with_a_change_and_announce_the_next_change_of_the_read_model()
    {
        var monitor = new FakeScheduleMonitor();
        await using var app = await DashboardApp.StartAsync(monitor: monitor);
        using var timeout = new CancellationTokenSource(s_deadline);
        using var response = await app.CreateClient().GetAsync(DashboardApp.Prefix + "/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        await using var events = SseParser.Create(stream).EnumerateAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await events.MoveNextAsync());
        Assert.Equal("change", events.Current.EventType);
        var opened = Version(events.Current);

        monitor.AddRun(FakeScheduleMonitor.Run("report", FakeScheduleMonitor.Now));

        Assert.True(await events.MoveNextAsync());
        Assert.Equal("change", events.Current.EventType);
        Assert.True(Version(events.Current) > opened, "the announced version is newer");
    }

    [Fact]
    public async Task Events_without_a_read_model_answer_503()
    {
        await using var app = await DashboardApp.StartAsync(registerMonitor: false);

        using var response = await app.CreateClient().GetAsync(DashboardApp.Prefix + "/api/events");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    private static long Version(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement.GetProperty("version").GetInt64();
}
