namespace Carillon.Package.Tests;

/// <summary>
/// The path a user takes: a project outside the repository with only <c>&lt;PackageReference Include="Carillon" /&gt;</c>
/// gets the registry, <c>AddGeneratedSchedules()</c> and the diagnostics from the packed package.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackageTests(PackageFixture fixture)
{
    [Fact]
    public async Task Consumer_of_the_package_builds_and_runs_its_generated_schedule()
    {
        var build = await DotnetCli.RunAsync(fixture.App, PackageFixture.CommandTimeout, "build", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, build.Output);

        var run = await DotnetCli.RunAsync(fixture.App, PackageFixture.CommandTimeout, "run", "--no-build");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("version=4.2.0 count=2", run.Output, StringComparison.Ordinal);
        Assert.Contains("task=Jobs.Tick cron=*/5 * * * *", run.Output, StringComparison.Ordinal);
        Assert.Contains("invoked=Jobs.Tick", run.Output, StringComparison.Ordinal);
        Assert.Contains("task=reports.nightly cron=0 0 4 * * *", run.Output, StringComparison.Ordinal);
        Assert.Contains("invoked=reports.nightly", run.Output, StringComparison.Ordinal);

        // Second build of the same project with an invalid cron: the packaged analyzer (and Cronos next to it) reports CRL001.
        var bad = Path.Combine(fixture.App, "Bad.cs");
        await File.WriteAllTextAsync(bad, """
            public static class BadJobs
            {
                [Carillon.ScheduledAction("61 * * * *")]
                public static void Broken() { }
            }
            """);
        try
        {
            var failing = await DotnetCli.RunAsync(fixture.App, PackageFixture.CommandTimeout, "build", "-nodeReuse:false");
            Assert.NotEqual(0, failing.ExitCode);
            Assert.Contains("Bad.cs(3,31): error CRL001: Cron expression '61 * * * *' is invalid", failing.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(".g.cs", failing.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
