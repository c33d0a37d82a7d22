using Carillon.Dashboard.Tests.Doubles;
using Carillon.Monitoring;
using Microsoft.Playwright;

namespace Carillon.Dashboard.Tests.Browser;

/// <summary>
/// The dashboard in a real headless Chromium against a Kestrel server on a loopback port: what an operator sees and
/// clicks. Waits are Playwright's (polling the page with a generous deadline), never sleeps.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class DashboardPageTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    private const string Markup = "<img src=x onerror=alert(1)>";
    private static readonly float s_deadline = (float)TimeSpan.FromSeconds(120).TotalMilliseconds;

    private static void OpsCommands(CarillonDashboardOptions o)
    {
        o.EnableCommands = true;
        o.CommandsPolicy = DashboardApp.OpsPolicy;
    }

    private static FakeScheduleMonitor TwoTasks() => WithTasks(
        FakeScheduleMonitor.TaskOf("nightly-report", lastRun: FakeScheduleMonitor.Run("nightly-report", FakeScheduleMonitor.Now.AddMinutes(-1))),
        FakeScheduleMonitor.TaskOf("purge-carts", missed: 3));

    private static FakeScheduleMonitor WithTasks(params TaskView[] tasks)
    {
        var monitor = new FakeScheduleMonitor();
        monitor.SetSchedule(FakeScheduleMonitor.ScheduleOf(tasks));
        return monitor;
    }

    private async Task<IPage> OpenAsync(DashboardApp app, string? user = null, string? roles = null, List<string>? dialogs = null)
    {
        var headers = new Dictionary<string, string>();
        if (user is not null)
        {
            headers[HeaderAuthenticationHandler.UserHeader] = user;
        }

        if (roles is not null)
        {
            headers[HeaderAuthenticationHandler.RolesHeader] = roles;
        }

        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ExtraHTTPHeaders = headers, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(s_deadline);
        if (dialogs is not null)
        {
            page.Dialog += (_, dialog) =>
            {
                lock (dialogs)
                {
                    dialogs.Add(dialog.Message);
                }

                _ = dialog.DismissAsync();
            };
        }

        await page.GotoAsync(app.PageAddress.ToString());
        return page;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }

    private static ILocator Row(IPage page, string taskId) => page.Locator("#tasks tbody tr").Filter(new LocatorFilterOptions { Has = page.Locator("td.task-id", new PageLocatorOptions { HasTextString = taskId }) });

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Page_lists_every_task_with_its_state_and_owner()
    {
        await using var app = await DashboardApp.StartAsync(kestrel: true, monitor: TwoTasks());
        var page = await OpenAsync(app);

        await Assertions.Expect(page.Locator("#tasks tbody tr")).ToHaveCountAsync(2, new() { Timeout = s_deadline });
        await Assertions.Expect(Row(page, "nightly-report")).ToContainTextAsync("Europe/Paris");
        await Assertions.Expect(Row(page, "nightly-report").Locator(".badge")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(Row(page, "purge-carts")).ToContainTextAsync("3 missed");
        await Assertions.Expect(page.Locator("#owner")).ToContainTextAsync("worker-1");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.ScreenshotDirectory, "task-list.png"), FullPage = true });
    }

    [Fact]
    public async Task Task_id_and_error_with_markup_are_shown_as_text_and_create_no_element()
    {
        var monitor = WithTasks(FakeScheduleMonitor.TaskOf(Markup));
        monitor.AddRun(FakeScheduleMonitor.Run(Markup, FakeScheduleMonitor.Now, ScheduledRunOutcome.Failed, error: Markup));
        await using var app = await DashboardApp.StartAsync(kestrel: true, monitor: monitor);
        var dialogs = new List<string>();
        var page = await OpenAsync(app, dialogs: dialogs);

        await Assertions.Expect(page.Locator("#tasks td.task-id")).ToHaveTextAsync(Markup, new() { Timeout = s_deadline });
        await page.Locator("#tasks td.task-id button").ClickAsync();
        await Assertions.Expect(page.Locator("#runs td.error-text")).ToContainTextAsync(Markup, new() { Timeout = s_deadline });

        Assert.Equal(0, await page.Locator("img").CountAsync());
        lock (dialogs)
        {
            Assert.Empty(dialogs);
        }
    }

    [Fact]
    public async Task Clicking_disable_writes_the_command_and_the_page_shows_the_new_state()
    {
        var monitor = TwoTasks();
        await using var app = await DashboardApp.StartAsync(OpsCommands, kestrel: true, monitor: monitor, knownTaskIds: ["nightly-report", "purge-carts"]);
        // Play the owner: the disable command reaches the read model.
        app.Commands.OnWritten = (command, taskId) =>
            monitor.SetSchedule(FakeScheduleMonitor.ScheduleOf(
                monitor.GetSchedule().Tasks.Select(t => t.Id == taskId && command == "disable" ? FakeScheduleMonitor.TaskOf(t.Id, enabled: false) : t).ToArray()));
        var page = await OpenAsync(app, "alice", "ops");

        await Row(page, "nightly-report").Locator("button[data-command=disable]").ClickAsync();

        await Assertions.Expect(Row(page, "nightly-report").Locator("td.enabled")).ToHaveTextAsync("no", new() { Timeout = s_deadline });
        await Assertions.Expect(Row(page, "nightly-report").Locator("button[data-command=enable]")).ToBeVisibleAsync(new() { Timeout = s_deadline });
        Assert.Equal([("disable", "nightly-report")], app.Commands.Written);
    }

    [Fact]
    public async Task Clicking_trigger_shows_the_new_run_without_reloading()
    {
        var monitor = TwoTasks();
        await using var app = await DashboardApp.StartAsync(OpsCommands, kestrel: true, monitor: monitor, knownTaskIds: ["nightly-report", "purge-carts"]);
        app.Commands.OnWritten = (command, taskId) =>
        {
            if (command == "trigger")
            {
                monitor.AddRun(FakeScheduleMonitor.Run(taskId, FakeScheduleMonitor.Now));
            }
        };
        var page = await OpenAsync(app, "alice", "ops");
        await Row(page, "purge-carts").Locator("td.task-id button").ClickAsync();
        await Assertions.Expect(page.Locator("#detail-id")).ToHaveTextAsync("purge-carts", new() { Timeout = s_deadline });
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(0, new() { Timeout = s_deadline });

        await Row(page, "purge-carts").Locator("button[data-command=trigger]").ClickAsync();

        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(1, new() { Timeout = s_deadline });
        await Assertions.Expect(page.Locator("#detail-timeline span.outcome-succeeded")).ToHaveCountAsync(1, new() { Timeout = s_deadline });
        Assert.Equal([("trigger", "purge-carts")], app.Commands.Written);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.ScreenshotDirectory, "task-page.png"), FullPage = true });
    }

    [Fact]
    public async Task Disable_by_a_user_outside_the_policy_is_refused_and_writes_nothing()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, kestrel: true, monitor: TwoTasks(), knownTaskIds: ["nightly-report", "purge-carts"]);
        var page = await OpenAsync(app, "mallory", "viewer");

        await Row(page, "nightly-report").Locator("button[data-command=disable]").ClickAsync();

        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("403", new() { Timeout = s_deadline });
        Assert.Empty(app.Commands.Written);
    }

    [Fact]
    public async Task When_the_event_stream_cannot_be_opened_the_page_polls_and_still_shows_changes()
    {
        var monitor = TwoTasks();
        await using var app = await DashboardApp.StartAsync(kestrel: true, monitor: monitor);
        var context = await chromium.Browser.NewContextAsync();
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(s_deadline);
        // A proxy that drops the stream.
        await page.RouteAsync("**/api/events", route => route.AbortAsync());
        await page.GotoAsync(app.PageAddress.ToString());
        await Assertions.Expect(page.Locator("#tasks tbody tr")).ToHaveCountAsync(2, new() { Timeout = s_deadline });
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "polling", new() { Timeout = s_deadline });

        monitor.SetSchedule(FakeScheduleMonitor.ScheduleOf(FakeScheduleMonitor.TaskOf("nightly-report", enabled: false)));

        await Assertions.Expect(page.Locator("#tasks tbody tr")).ToHaveCountAsync(1, new() { Timeout = s_deadline });
        await Assertions.Expect(Row(page, "nightly-report").Locator("td.enabled")).ToHaveTextAsync("no", new() { Timeout = s_deadline });
    }

    [Fact]
    public async Task No_command_buttons_when_commands_are_off()
    {
        await using var app = await DashboardApp.StartAsync(kestrel: true, monitor: TwoTasks());
        var page = await OpenAsync(app, "alice", "ops");

        await Assertions.Expect(page.Locator("#tasks tbody tr")).ToHaveCountAsync(2, new() { Timeout = s_deadline });

        Assert.Equal(0, await page.Locator("#tasks button[data-command]").CountAsync());
        Assert.False(await page.Locator("#bulk").IsVisibleAsync());
    }
}
