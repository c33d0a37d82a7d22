using Carillon.Recurring.Scheduling;

namespace Carillon.Tests.Recurring;

public sealed class CronScheduleTests
{
    [Fact]
    public void Paris_spring_forward_fires_a_skipped_time_at_the_transition()
    {
        // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 does not exist that day.
        var cron = CronSchedule.Parse("30 2 * * *", "Europe/Paris");
        var occurrences = Occurrences(cron, new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero), 4);

        Assert.Equal(
            [
                new DateTimeOffset(2026, 3, 27, 1, 30, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 3, 28, 1, 30, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), // 03:00 CEST, the transition
                new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero), // 02:30 CEST
            ],
            occurrences);
    }

    [Fact]
    public void Paris_fall_back_fires_an_ambiguous_time_once()
    {
        // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 happens twice; a fixed time fires once.
        var cron = CronSchedule.Parse("30 2 * * *", "Europe/Paris");
        var occurrences = Occurrences(cron, new DateTimeOffset(2026, 10, 24, 0, 0, 0, TimeSpan.Zero), 3);

        Assert.Equal(
            [
                new DateTimeOffset(2026, 10, 24, 0, 30, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero),
            ],
            occurrences);
    }

    [Fact]
    public void New_York_hourly_has_23_and_25_occurrences_on_transition_days()
    {
        var cron = CronSchedule.Parse("0 * * * *", "America/New_York");
        var ny = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

        static int CountLocalDay(CronSchedule cron, TimeZoneInfo zone, DateTime localDay)
        {
            var start = new DateTimeOffset(localDay, zone.GetUtcOffset(localDay));
            var endLocal = localDay.AddDays(1);
            var end = new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal));
            var count = 0;
            for (var next = cron.Next(start.AddTicks(-1)); next is { } n && n < end; next = cron.Next(n))
            {
                count++;
            }

            return count;
        }

        Assert.Equal(23, CountLocalDay(cron, ny, new DateTime(2026, 3, 8)));
        Assert.Equal(24, CountLocalDay(cron, ny, new DateTime(2026, 3, 9)));
        Assert.Equal(25, CountLocalDay(cron, ny, new DateTime(2026, 11, 1)));
    }

    [Fact]
    public void Six_fields_include_seconds_and_macros_parse()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(start.AddSeconds(1), CronSchedule.Parse("* * * * * *", "UTC").Next(start));
        Assert.Equal(start.AddHours(1), CronSchedule.Parse("@hourly", "UTC").Next(start));
        Assert.Null(CronSchedule.Parse("0 0 31 2 *", "UTC").Next(start));
    }

    [Fact]
    public void Latest_finds_the_last_occurrence_of_a_long_outage_quickly()
    {
        var cron = CronSchedule.Parse("* * * * * *", "UTC");
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var upTo = from.AddDays(30).AddMilliseconds(500);

        Assert.Equal(from.AddDays(30), cron.Latest(from, upTo));
        Assert.Null(CronSchedule.Parse("0 0 * * *", "UTC").Latest(from, from.AddHours(23)));
        Assert.Equal(from.AddDays(1), CronSchedule.Parse("0 0 * * *", "UTC").Latest(from, from.AddDays(1)));
    }

    private static List<DateTimeOffset> Occurrences(CronSchedule cron, DateTimeOffset after, int count)
    {
        var list = new List<DateTimeOffset>();
        for (var next = cron.Next(after); next is { } n && list.Count < count; next = cron.Next(n))
        {
            list.Add(n.ToUniversalTime());
        }

        return list;
    }
}
