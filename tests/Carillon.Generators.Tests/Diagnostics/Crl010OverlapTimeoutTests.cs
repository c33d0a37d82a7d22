using Carillon.Generators.Tests.Infrastructure;
using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl010OverlapTimeoutTests
{
    [Fact]
    public Task Timeout_longer_than_the_interval_without_overlap_is_reported_on_the_timeout() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("*/5 * * * *", Timeout = {|CRL010:600|})] public void Run() { } }
        """);

    [Fact]
    public Task Timeout_within_the_interval_is_accepted() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("*/5 * * * *", Timeout = 300)] public void Run() { } }
        """);

    [Fact]
    public Task Timeout_longer_than_the_shortest_of_uneven_intervals_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("0 0,10 9 * * *", Timeout = {|CRL010:900|})] public void Run() { } }
        """);

    [Fact]
    public Task Overlap_without_timeout_on_a_per_minute_schedule_is_reported_on_allow_overlap() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", AllowOverlap = {|CRL010:true|})] public void Run() { } }
        """);

    [Fact]
    public Task Overlap_with_a_timeout_is_accepted() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("*/10 * * * * *", AllowOverlap = true, Timeout = 60)] public void Run() { } }
        """);

    [Fact]
    public Task Overlap_without_timeout_on_an_hourly_schedule_is_accepted() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("@hourly", AllowOverlap = true)] public void Run() { } }
        """);

    [Fact]
    public async Task Timeout_message_names_the_interval_and_the_timeout()
    {
        var message = await MessageAsync("""[ScheduledAction("*/5 * * * *", Timeout = 600)]""");
        Assert.Equal("Cron '*/5 * * * *' fires every 5 min at the shortest, but Timeout is 600 s and AllowOverlap is false: occurrences that come while a run is still going are skipped; shorten Timeout, space the schedule out, or set AllowOverlap = true", message);
    }

    [Fact]
    public async Task Pile_up_message_names_the_interval_and_asks_for_a_timeout()
    {
        var message = await MessageAsync("""[ScheduledAction("*/30 * * * * *", AllowOverlap = true)]""");
        Assert.Equal("Cron '*/30 * * * * *' fires every 30 s at the shortest, and AllowOverlap is true with no Timeout: runs slower than 30 s pile up; set a Timeout", message);
    }

    private static async Task<string> MessageAsync(string attribute)
    {
        var compilation = Compiler.Create("public class Jobs { " + attribute + " public void Run() { } }");
        return Assert.Single(await Compiler.DiagnosticsAsync(compilation), d => d.Id == "CRL010").GetMessage();
    }
}
