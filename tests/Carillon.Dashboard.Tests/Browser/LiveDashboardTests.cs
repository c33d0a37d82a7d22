using Carillon.Dashboard.Tests.Doubles;
using Carillon.Dashboard.Tests.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Carillon.Dashboard.Tests.Browser;

/// <summary>
/// The dashboard of a running application (<see cref="LiveApp"/>: generated tasks, the recurring executor and the read
/// model on an embedded Kafka cluster) in a real headless Chromium, through the real command topic and read model
/// (issue 10, "Tests"). Waits are Playwright's, polling the page with a generous deadline; nothing sleeps.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class LiveDashboardTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private const string CloseYear = "ledger.close-year";
    private const string Archive = "ledger.archive";
    private static readonly float s_deadline = (float)TimeSpan.FromSeconds(120).TotalMilliseconds;
    private LiveApp? _app;
    private IBrowserContext? _context;

    private LiveApp App => _app!;

    public async Task InitializeAsync()
    {
        _app = await LiveApp.StartAsync();
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ExtraHTTPHeaders = new Dictionary<string, string> { [HeaderAuthenticationHandler.UserHeader] = "alice", [HeaderAuthenticationHandler.RolesHeader] = "ops" },
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
    }

    public async Task DisposeAsync()
    {
        // The page first: its event stream would otherwise be open while the app stops.
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IPage> OpenAsync()
    {
        var page = await _context!.NewPageAsync();
        page.SetDefaultTimeout(s_deadline);
        await page.GotoAsync(App.PageAddress.ToString());
        return page;
    }

    private static ILocator Row(IPage page, string taskId) => page.Locator("#tasks tbody tr").Filter(new LocatorFilterOptions { Has = page.Locator("td.task-id", new PageLocatorOptions { HasTextString = taskId }) });

    private static LocatorAssertionsToHaveTextOptions Text => new() { Timeout = s_deadline };

    [Fact]
    public async Task The_task_list_shows_the_apps_tasks_and_disable_changes_their_state_through_the_command_topic()
    {
        var page = await OpenAsync();

        await Assertions.Expect(page.Locator("#tasks tbody tr")).ToHaveCountAsync(2, new() { Timeout = s_deadline });
        await Assertions.Expect(Row(page, CloseYear)).ToContainTextAsync("Europe/Paris", new() { Timeout = s_deadline });
        await Assertions.Expect(Row(page, CloseYear).Locator("td.enabled")).ToHaveTextAsync("yes", Text);
        await Assertions.Expect(page.Locator("#owner")).ToContainTextAsync(LiveApp.Instance, new() { Timeout = s_deadline });

        await Row(page, Archive).Locator("button[data-command=disable]").ClickAsync();

        await Assertions.Expect(Row(page, Archive).Locator("td.enabled")).ToHaveTextAsync("no", Text);
        await Assertions.Expect(Row(page, Archive).Locator("button[data-command=enable]")).ToBeVisibleAsync(new() { Timeout = s_deadline });
        await Assertions.Expect(Row(page, CloseYear).Locator("td.enabled")).ToHaveTextAsync("yes", Text);
    }

    [Fact]
    public async Task Trigger_on_a_task_page_shows_the_new_run_live_without_reloading()
    {
        var page = await OpenAsync();
        await Row(page, CloseYear).Locator("td.task-id button").ClickAsync();
        await Assertions.Expect(page.Locator("#detail-id")).ToHaveTextAsync(CloseYear, Text);
        await Assertions.Expect(page.Locator("#owner")).ToContainTextAsync(LiveApp.Instance, new() { Timeout = s_deadline });
        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(0, new() { Timeout = s_deadline });
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "events", new() { Timeout = s_deadline });
        // Survives only if the page is not reloaded.
        await page.EvaluateAsync("() => { window.carillonTestMarker = 42; }");

        await Row(page, CloseYear).Locator("button[data-command=trigger]").ClickAsync();

        await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(1, new() { Timeout = s_deadline });
        await Assertions.Expect(page.Locator("#runs tbody tr").First).ToContainTextAsync("manual", new() { Timeout = s_deadline });
        await Assertions.Expect(page.Locator("#detail-timeline span.outcome-succeeded")).ToHaveCountAsync(1, new() { Timeout = s_deadline });
        await Assertions.Expect(Row(page, CloseYear).Locator(".badge")).ToHaveTextAsync("succeeded", Text);
        Assert.Equal(42, await page.EvaluateAsync<int>("() => window.carillonTestMarker"));

        await Assertions.Expect(page.Locator("#recurring-messages tbody tr")).ToHaveCountAsync(1, new() { Timeout = s_deadline });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.ScreenshotDirectory, "live-task-page.png"), FullPage = true });
        await page.Locator("#detail-close").ClickAsync();
        await Assertions.Expect(page.Locator("#task-detail")).ToBeHiddenAsync(new() { Timeout = s_deadline });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.ScreenshotDirectory, "live-task-list.png"), FullPage = true });
    }

    [Fact]
    public async Task The_apps_recurring_messages_are_listed_and_show_the_instance_that_produced_a_trigger()
    {
        var page = await OpenAsync();
        var row = page.Locator("#recurring-messages tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = s_deadline });
        await Assertions.Expect(row.Locator("td.schedule-name")).ToHaveTextAsync(LiveApp.RecurringMessage, Text);
        await Assertions.Expect(row).ToContainTextAsync("Europe/Paris", new() { Timeout = s_deadline });
        await Assertions.Expect(row.Locator("td.description")).ToHaveTextAsync(LiveApp.RecurringMessageDescription, Text);

        await App.Services.GetRequiredService<IRecurringMessages>().TriggerAsync(LiveApp.RecurringMessage);

        await Assertions.Expect(row).ToContainTextAsync("(trigger)", new() { Timeout = s_deadline });
        await Assertions.Expect(row).ToContainTextAsync(LiveApp.Instance, new() { Timeout = s_deadline });
    }
}
