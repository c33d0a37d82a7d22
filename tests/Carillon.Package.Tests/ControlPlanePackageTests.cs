using System.Diagnostics;
using System.Text.Json;
using Cronos;
using Xunit.Abstractions;

namespace Carillon.Package.Tests;

/// <summary>
/// Issue 10, "Must show": the packed <c>carillon</c> tool and the packed dashboard, pointed at an app that was not
/// written for them (<see cref="ControlPlaneApp"/>, built from the packed packages), list exactly its tasks, with next
/// occurrences that a clock and Cronos confirm in each task's zone, and their last outcomes.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ControlPlanePackageTests(PackageFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Packed_cli_and_dashboard_list_a_packaged_apps_tasks_with_next_occurrences_in_their_zones_and_last_outcomes()
    {
        var watch = Stopwatch.StartNew();
        var build = await DotnetCli.RunAsync(fixture.WebApp, PackageFixture.CommandTimeout, "build", "-c", "Release", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, build.Output);
        var install = await DotnetCli.RunAsync(fixture.Root, PackageFixture.CommandTimeout, "tool", "install", "Carillon.Cli", "--local", "--version", fixture.Version, "--add-source", fixture.Feed);
        Assert.True(install.ExitCode == 0, install.Output);
        output.WriteLine($"app built and tool installed in {watch.Elapsed.TotalSeconds:0} s");

        using var app = RunningProcess.StartDotnet(fixture.WebApp, Path.Combine("bin", "Release", "net10.0", "ControlPlaneApp.dll"));
        var servers = await app.WaitForValueAsync("kafka", Deadline);
        var http = await app.WaitForValueAsync("http", Deadline);

        // An operator looks once the tasks have run: a success of heartbeat and a failure of tokyo.sync.
        using var client = new HttpClient { BaseAddress = new Uri(http) };
        JsonElement dashboard = default;
        await EventuallyAsync(async () =>
        {
            dashboard = JsonDocument.Parse(await client.GetStringAsync("/carillon/api/schedule")).RootElement.Clone();
            return LastOutcome(dashboard, "heartbeat") == "succeeded" && LastOutcome(dashboard, "tokyo.sync") == "failed";
        }, "the dashboard showing heartbeat succeeded and tokyo.sync failed", app);

        var cli = await DotnetCli.RunAsync(fixture.Root, PackageFixture.CommandTimeout, "tool", "run", "carillon", "tasks", "list", "--json", "-b", servers, "--timeout", "60");
        Assert.True(cli.ExitCode == 0, cli.Output);
        var listed = JsonDocument.Parse(cli.Output).RootElement;
        var table = await DotnetCli.RunAsync(fixture.Root, PackageFixture.CommandTimeout, "tool", "run", "carillon", "tasks", "list", "-b", servers, "--timeout", "60");
        Assert.True(table.ExitCode == 0, table.Output);
        SaveEvidence(servers, table.Output);
        output.WriteLine($"whole test so far {watch.Elapsed.TotalSeconds:0} s");

        foreach (var (view, asOf) in new[] { (listed, listed.GetProperty("asOf").GetDateTimeOffset()), (dashboard, dashboard.GetProperty("asOf").GetDateTimeOffset()) })
        {
            var tasks = view.GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
            Assert.Equal(ControlPlaneApp.Tasks.Select(t => t.Id).Order(StringComparer.Ordinal), tasks.Keys.Order(StringComparer.Ordinal));
            foreach (var (id, cron, zone) in ControlPlaneApp.Tasks)
            {
                var task = tasks[id];
                Assert.Equal((cron, zone), (task.GetProperty("cron").GetString(), task.GetProperty("timeZone").GetString()));
                var lastRun = task.GetProperty("lastRun");
                DateTimeOffset? lastOccurrence = lastRun.ValueKind == JsonValueKind.Null ? null : lastRun.GetProperty("occurrence").GetDateTimeOffset();
                AssertNextOccurrence(id, cron, zone, task.GetProperty("nextOccurrence").GetDateTimeOffset(), lastOccurrence, asOf);
            }

            Assert.Equal("succeeded", LastOutcome(view, "heartbeat"));
            Assert.Equal("failed", LastOutcome(view, "tokyo.sync"));
            Assert.Contains("InvalidOperationException", tasks["tokyo.sync"].GetProperty("lastRun").GetProperty("errorType").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, tasks["paris.report"].GetProperty("lastRun").ValueKind);
            Assert.Equal(JsonValueKind.Null, tasks["newyork.open"].GetProperty("lastRun").ValueKind);
        }

        var rows = table.Output.Split('\n').Where(l => l.Length > 0).ToList();
        Assert.StartsWith("ID", rows[0], StringComparison.Ordinal);
        foreach (var (id, _, zone) in ControlPlaneApp.Tasks)
        {
            Assert.Contains(rows, r => r.StartsWith(id + " ", StringComparison.Ordinal) && r.Contains(zone, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The listed next occurrence is one of the cron's occurrences in the task's zone, shown with that zone's offset,
    /// after the last run listed (or, for a task that has not run, the first after the view's time), and not beyond
    /// the second occurrence after the view's time: the owner may have claimed the next one while the view was read.
    /// </summary>
    private static void AssertNextOccurrence(string id, string cron, string zoneId, DateTimeOffset next, DateTimeOffset? lastOccurrence, DateTimeOffset asOf)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var expression = CronExpression.Parse(cron, cron.Split(' ').Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        DateTimeOffset? After(DateTimeOffset t) => expression.GetNextOccurrence(t, zone);

        Assert.True(expression.GetNextOccurrence(next, zone, inclusive: true) == next, $"{id}: {next:O} is not an occurrence of '{cron}' in {zoneId}");
        Assert.True(zone.GetUtcOffset(next) == next.Offset, $"{id}: {next:O} is not shown in {zoneId}'s offset");
        if (lastOccurrence is { } last)
        {
            Assert.True(next > last && next <= After(After(asOf)!.Value), $"{id}: next {next:O}, last run {last:O}, as of {asOf:O}");
        }
        else
        {
            Assert.True(next == After(asOf), $"{id}: next {next:O}, expected {After(asOf):O} (the first after {asOf:O})");
        }
    }

    private static string? LastOutcome(JsonElement view, string id)
        => view.GetProperty("tasks").EnumerateArray().FirstOrDefault(t => t.GetProperty("id").GetString() == id) is { ValueKind: JsonValueKind.Object } task
            && task.GetProperty("lastRun") is { ValueKind: JsonValueKind.Object } run
                ? run.GetProperty("outcome").GetString()?.ToLowerInvariant()
                : null;

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, RunningProcess app)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        Assert.Fail($"timed out waiting for {what}; app output:\n{app.Output}");
    }

    private void SaveEvidence(string servers, string table)
    {
        var text = $"$ carillon tasks list -b {servers}\n{table}";
        output.WriteLine(text);
        var directory = Path.Combine(AppContext.BaseDirectory, "evidence");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "tasks-list-packaged-app.txt"), text);
    }
}
