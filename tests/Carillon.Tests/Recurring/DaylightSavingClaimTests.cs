using Carillon.Analyzers.Timing;
using Carillon.Recurring.State;
using Cronos;

namespace Carillon.Tests.Recurring;

/// <summary>
/// What each CRL011 message says Carillon will do at a daylight-saving transition is what the engine does, run on a
/// <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/> through that transition (issue 12).
/// </summary>
public sealed class DaylightSavingClaimTests
{
    private static readonly DateTime s_from = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string, string> Cases() => new()
    {
        { "30 2 * * *", "Europe/Paris" },
        { "30 1 * * *", "America/New_York" },
        { "0 2 * * *", "Australia/Lord_Howe" },
        { "45 1 * * *", "Australia/Lord_Howe" },
        { "30 2 * * *", "Australia/Sydney" },
        { "0 30 2 * * *", "Europe/Paris" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Engine_runs_a_transition_exactly_as_the_message_says(string cron, string zone)
    {
        var fields = cron.Split(' ').Length;
        var exposure = DstExposure.Find(CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), TimeZoneInfo.FindSystemTimeZoneById(zone), s_from, DstExposure.Horizon);
        Assert.NotNull(exposure);
        foreach (var finding in exposure.Findings)
        {
            // From two hours before the transition to two hours after: every run the engine starts in that window.
            var start = new DateTimeOffset(finding.TransitionUtc, TimeSpan.Zero).AddHours(-3);
            await using var h = new EngineHarness(start);
            h.Start(new ScheduleState(), h.Recorded("dst", cron, timeZone: zone));
            await h.StepToAsync(start.AddHours(6), TimeSpan.FromMinutes(5));

            var ran = h.RunsOf("dst").Select(r => r.Occurrence.UtcDateTime).ToList();
            var claimed = finding.RunsUtc.ToList();
            Assert.Equal(claimed, ran.Where(r => claimed.Contains(r) || finding.NotRunUtc.Contains(r) || IsShiftedRun(finding, r)).ToList());
            Assert.DoesNotContain(ran, finding.NotRunUtc.Contains);
        }
    }

    [Fact]
    public async Task Engine_runs_an_hourly_Paris_task_on_every_existing_hour_across_the_spring_gap_as_the_absent_warning_implies()
    {
        var exposure = DstExposure.Find(CronExpression.Parse("0 * * * *"), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"), s_from, DstExposure.Horizon);
        Assert.Null(exposure);

        var start = new DateTimeOffset(2026, 3, 28, 22, 30, 0, TimeSpan.Zero);
        await using var h = new EngineHarness(start);
        h.Start(new ScheduleState(), h.Recorded("hourly", "0 * * * *", timeZone: "Europe/Paris"));
        await h.StepToAsync(start.AddHours(4), TimeSpan.FromMinutes(5));

        // 00:00, 01:00 CET, then 03:00, 04:00 CEST: one hour apart in elapsed time, as the wall clock reads.
        Assert.Equal(
            [new DateTime(2026, 3, 28, 23, 0, 0), new DateTime(2026, 3, 29, 0, 0, 0), new DateTime(2026, 3, 29, 1, 0, 0), new DateTime(2026, 3, 29, 2, 0, 0)],
            h.RunsOf("hourly").Select(r => r.Occurrence.UtcDateTime));
    }

    // A gap finding with no claimed run means the message says it does not run: then nothing may run at the transition.
    private static bool IsShiftedRun(DstFinding finding, DateTime run) => finding.Change == DstChange.Gap && run == finding.TransitionUtc;
}
