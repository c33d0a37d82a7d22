using System.Text.RegularExpressions;
using Carillon.Analyzers.Timing;
using Carillon.Generators.Tests.Infrastructure;
using Cronos;
using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl011DaylightSavingTests
{
    [Theory]
    [InlineData("30 2 * * *", "Europe/Paris")]
    [InlineData("30 1 * * *", "America/New_York")]
    [InlineData("0 2 * * *", "Australia/Lord_Howe")]
    [InlineData("30 2 * * *", "Australia/Sydney")]
    [InlineData("0 30 2 * * *", "Europe/Paris")]
    public Task Fixed_local_time_inside_a_transition_is_reported_on_the_cron_argument(string cron, string zone) => Verify.VerifyAsync($$"""
        public class Jobs { [ScheduledAction({|CRL011:"{{cron}}"|}, TimeZone = "{{zone}}")] public void Run() { } }
        """);

    [Theory]
    [InlineData("30 2 * * *", "UTC")]
    [InlineData("30 2 * * *", null)]
    [InlineData("0 * * * *", "Europe/Paris")]
    [InlineData("0 * * * *", "America/New_York")]
    [InlineData("*/15 * * * *", "Europe/Paris")]
    [InlineData("0 4 * * *", "Europe/Paris")]
    [InlineData("30 2 * * *", "Asia/Tokyo")]
    [InlineData("0 2 * * *", "Europe/London")]
    public Task Schedule_that_daylight_saving_does_not_change_is_accepted(string cron, string? zone) => Verify.VerifyAsync($$"""
        public class Jobs { [ScheduledAction("{{cron}}"{{(zone is null ? "" : ", TimeZone = \"" + zone + "\"")}})] public void Run() { } }
        """);

    [Fact]
    public async Task Paris_half_past_two_names_the_march_gap_and_the_october_overlap_and_what_runs()
    {
        var message = await MessageAsync("30 2 * * *", "Europe/Paris");
        Assert.Matches(new Regex(@"on \d{4}-03-\d\d the local time 02:30 does not exist \(clocks jump from 02:00 to 03:00\), so Carillon runs it at 03:00 local \(01:00 UTC\) instead"), message);
        Assert.Matches(new Regex(@"on \d{4}-10-\d\d the local time 02:30 happens twice \(clocks go back from 03:00 to 02:00\), so Carillon runs it once, at the first 02:30 \(00:30 UTC\), not at 01:30 UTC"), message);
        Assert.EndsWith("; to avoid it, schedule in UTC or at a local time outside the change, or suppress CRL011 to accept it", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_York_half_past_one_is_repeated_in_november_but_not_skipped_in_march()
    {
        var message = await MessageAsync("30 1 * * *", "America/New_York");
        Assert.Matches(new Regex(@"on \d{4}-11-\d\d the local time 01:30 happens twice \(clocks go back from 02:00 to 01:00\), so Carillon runs it once, at the first 01:30 \(05:30 UTC\), not at 06:30 UTC"), message);
        Assert.DoesNotContain("does not exist", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lord_Howe_half_hour_shift_is_named_with_its_half_hour_clocks()
    {
        var message = await MessageAsync("0 2 * * *", "Australia/Lord_Howe");
        Assert.Matches(new Regex(@"on \d{4}-10-\d\d the local time 02:00 does not exist \(clocks jump from 02:00 to 02:30\), so Carillon runs it at 02:30 local \(15:30 UTC\) instead"), message);
    }

    [Fact]
    public async Task Sydney_gap_is_in_october_and_overlap_in_april()
    {
        var message = await MessageAsync("30 2 * * *", "Australia/Sydney");
        Assert.Matches(new Regex(@"on \d{4}-10-\d\d the local time 02:30 does not exist"), message);
        Assert.Matches(new Regex(@"on \d{4}-04-\d\d the local time 02:30 happens twice"), message);
    }

    [Fact]
    public void Southern_hemisphere_findings_from_a_fixed_date_name_the_october_2026_gap_then_the_april_2027_overlap()
    {
        var exposure = DstExposure.Find(CronExpression.Parse("30 2 * * *"), TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney"), new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc), DstExposure.Horizon);
        Assert.NotNull(exposure);
        Assert.Collection(
            exposure.Findings,
            gap => Assert.Equal((DstChange.Gap, new DateTime(2026, 10, 4, 2, 30, 0)), (gap.Change, gap.LocalTime)),
            overlap => Assert.Equal((DstChange.Overlap, new DateTime(2027, 4, 4, 2, 30, 0)), (overlap.Change, overlap.LocalTime)));
    }

    [Fact]
    public void Per_second_cron_keeps_its_cadence_through_both_transitions()
    {
        var exposure = DstExposure.Find(CronExpression.Parse("* * * * * *", CronFormat.IncludeSeconds), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), DstExposure.Horizon);
        Assert.Null(exposure);
    }

    private static async Task<string> MessageAsync(string cron, string zone)
    {
        var compilation = Compiler.Create($$"""public class Jobs { [ScheduledAction("{{cron}}", TimeZone = "{{zone}}")] public void Run() { } }""");
        return Assert.Single(await Compiler.DiagnosticsAsync(compilation), d => d.Id == "CRL011").GetMessage();
    }
}
