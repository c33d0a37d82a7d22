using Carillon.Sample;
using Carillon.Sample.Orders;
using Carillon.Testing;

namespace Carillon.Sample.Tests;

/// <summary>
/// The sample's schedule, tested with its own registry and services on a simulated clock (docs/testing.md): no Kafka,
/// no waiting, every occurrence in between run in order.
/// </summary>
public sealed class SampleScheduleTests
{
    private const string NightlyReport = "ReportsController.NightlyReport";

    [Fact]
    public async Task The_nightly_report_runs_once_per_night_across_the_March_DST_change_in_Paris()
    {
        // Europe/Paris springs forward on 2026-03-29 at 02:00: the report at 04:00 local moves from 03:00 to 02:00 UTC.
        await using var sim = ScheduleSimulator.Start(new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero), s => s.AddSampleSchedules());
        Disable(sim, "orders.cart-reminders", "cleanup.temp-files");

        var runs = await sim.AdvanceByAsync(TimeSpan.FromDays(4));

        var nightly = runs.Where(r => r.Task == NightlyReport).ToList();
        Assert.All(nightly, r => Assert.Equal(ScheduledRunOutcome.Succeeded, r.Outcome));
        Assert.Equal(
            [
                new DateTimeOffset(2026, 3, 28, 3, 0, 0, TimeSpan.Zero), // 04:00 CET
                new DateTimeOffset(2026, 3, 29, 2, 0, 0, TimeSpan.Zero), // 04:00 CEST, the night of the change
                new DateTimeOffset(2026, 3, 30, 2, 0, 0, TimeSpan.Zero), // 04:00 CEST
                new DateTimeOffset(2026, 3, 31, 2, 0, 0, TimeSpan.Zero),
            ],
            nightly.Select(r => r.Occurrence.ToUniversalTime()));
    }

    [Fact]
    public async Task The_weekly_digest_runs_on_Monday_mornings_only()
    {
        await using var sim = ScheduleSimulator.Start(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), s => s.AddSampleSchedules());
        Disable(sim, "orders.cart-reminders", "cleanup.temp-files", NightlyReport);

        var runs = await sim.AdvanceByAsync(TimeSpan.FromDays(21));

        var digests = runs.Where(r => r.Task == "reports.weekly-digest" && r.Outcome == ScheduledRunOutcome.Succeeded).Select(r => r.Occurrence).ToList();
        Assert.Equal(3, digests.Count);
        Assert.All(digests, d => Assert.Equal((DayOfWeek.Monday, 8), (d.DayOfWeek, d.Hour)));
    }

    [Fact]
    public async Task Cart_reminders_are_scheduled_every_fifteen_seconds_and_delivered_five_seconds_later()
    {
        var start = new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
        await using var sim = ScheduleSimulator.Start(start, s => s.AddSampleSchedules());

        await sim.AdvanceByAsync(TimeSpan.FromMinutes(1));

        var scheduled = sim.DelayedMessages.Scheduled;
        Assert.Equal(4, scheduled.Count);
        Assert.All(scheduled, m => Assert.Equal(CartReminder.Topic, m.Topic));
        Assert.All(scheduled, m => Assert.Equal(m.ScheduledAt.AddSeconds(5), m.DeliverAt));
        Assert.Equal(scheduled.Take(3).Select(m => m.ScheduleKey), sim.DelayedMessages.Delivered.Select(m => m.ScheduleKey)); // the last is due after the minute
        Assert.Contains("\"cartId\":\"cart-090015\"", scheduled[0].ValueText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_can_be_run_directly_with_a_chosen_occurrence_and_cancellation()
    {
        await using var sim = ScheduleSimulator.Start(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero), s => s.AddSampleSchedules());
        var occurrence = new DateTimeOffset(2026, 6, 1, 8, 59, 45, TimeSpan.Zero);

        var context = await sim.RunTaskAsync("orders.cart-reminders", occurrence);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.Equal(occurrence, context.Occurrence);
        Assert.Equal("cart-085945", sim.DelayedMessages.Pending.Single().ScheduleKey);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sim.RunTaskAsync("orders.cart-reminders", occurrence, cancelled.Token));
    }

    private static void Disable(ScheduleSimulator sim, params string[] tasks)
    {
        foreach (var task in tasks)
        {
            sim.Runner.Disable(task);
        }
    }
}
