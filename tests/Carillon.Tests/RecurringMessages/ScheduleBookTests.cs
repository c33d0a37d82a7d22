using Carillon.RecurringMessages.Definitions;
using Carillon.RecurringMessages.Firing;
using Microsoft.Extensions.Time.Testing;

namespace Carillon.Tests.RecurringMessages;

/// <summary>Occurrence planning of run-time schedules (issue 11), on a fake clock.</summary>
public sealed class ScheduleBookTests
{
    private static readonly TimeSpan s_threshold = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 12, 0, 30, TimeSpan.Zero));
    private readonly ScheduleBook _book = new(s_threshold);

    [Fact]
    public void Each_occurrence_fires_once_at_its_time()
    {
        Define("every-minute", "* * * * *");

        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(30));
        var fire = Assert.Single(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(At(12, 1), fire.Occurrence);
        Assert.Equal(FireReason.Scheduled, fire.Reason);
        _book.Confirm([fire]);

        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(At(12, 2), _book.NextDue);
    }

    [Fact]
    public void A_failed_transaction_fires_the_same_occurrence_again()
    {
        Define("every-minute", "* * * * *");
        _time.Advance(TimeSpan.FromSeconds(30));
        var fires = _book.TakeDue(_time.GetUtcNow());
        _book.Retry(fires, _time.GetUtcNow().AddSeconds(1));

        _time.Advance(TimeSpan.FromSeconds(1));
        var again = Assert.Single(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(At(12, 1), again.Occurrence);
    }

    [Fact]
    public void Schedules_due_together_are_taken_in_bounded_batches_and_none_is_lost()
    {
        for (var i = 0; i < 25; i++)
        {
            Define($"tenant-{i}", "0 * * * *");
        }

        _time.Advance(TimeSpan.FromMinutes(60)); // 13:00:30: all 25 due
        var batches = new List<int>();
        for (var fires = _book.TakeDue(_time.GetUtcNow(), max: 10); fires.Count > 0; fires = _book.TakeDue(_time.GetUtcNow(), max: 10))
        {
            batches.Add(fires.Count);
            _book.Confirm(fires);
        }

        Assert.Equal([10, 10, 5], batches);
    }

    [Fact]
    public void A_claim_read_from_the_partition_is_never_fired_again()
    {
        Define("every-minute", "* * * * *");
        _book.Claimed("every-minute", At(12, 1), null);

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(At(12, 2), Assert.Single(_book.TakeDue(_time.GetUtcNow())).Occurrence);
    }

    [Fact]
    public void Run_once_fires_only_the_latest_missed_occurrence_after_downtime()
    {
        Define("every-minute", "* * * * *");
        _book.Claimed("every-minute", At(12, 0), null);

        _time.Advance(TimeSpan.FromMinutes(10)); // 12:10:30: 12:01 … 12:10 were missed
        var fire = Assert.Single(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(At(12, 10), fire.Occurrence);
        Assert.Equal(FireReason.Misfire, fire.Reason);
    }

    [Fact]
    public void Skip_fires_no_missed_occurrence_and_waits_for_the_next()
    {
        Define("every-minute", "* * * * *", misfire: MisfirePolicy.Skip);
        _book.Claimed("every-minute", At(12, 0), null);

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(At(12, 11), _book.NextDue);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(At(12, 11), Assert.Single(_book.TakeDue(_time.GetUtcNow())).Occurrence);
    }

    [Fact]
    public void Occurrences_late_within_the_threshold_all_fire_on_time()
    {
        Define("every-second", "* * * * * *");
        _time.Advance(TimeSpan.FromSeconds(3)); // a pause shorter than the threshold: nothing counts as missed
        var fires = _book.TakeDue(_time.GetUtcNow());
        Assert.Equal(3, fires.Count);
        Assert.All(fires, f => Assert.Equal(FireReason.Scheduled, f.Reason));
    }

    [Fact]
    public void Nothing_fires_before_the_start_or_after_the_end()
    {
        Define("window", "* * * * *", start: At(12, 3), end: At(12, 4));

        _time.Advance(TimeSpan.FromSeconds(30)); // 12:01
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(At(12, 3), _book.NextDue);
        _time.Advance(TimeSpan.FromMinutes(2)); // 12:03
        var first = Assert.Single(_book.TakeDue(_time.GetUtcNow()));
        _book.Confirm([first]);
        _time.Advance(TimeSpan.FromMinutes(1)); // 12:04
        var second = Assert.Single(_book.TakeDue(_time.GetUtcNow()));
        _book.Confirm([second]);
        Assert.Equal([At(12, 3), At(12, 4)], [first.Occurrence, second.Occurrence]);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
        Assert.Null(_book.NextDue);
    }

    [Fact]
    public void A_removal_applied_before_a_due_occurrence_wins()
    {
        Define("gone", "* * * * *");
        _time.Advance(TimeSpan.FromSeconds(30)); // 12:01 is due

        _book.Remove("gone");

        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
    }

    [Fact]
    public void A_removal_after_an_occurrence_was_taken_stops_every_later_one()
    {
        Define("gone", "* * * * *");
        _time.Advance(TimeSpan.FromSeconds(30));
        var fires = _book.TakeDue(_time.GetUtcNow());

        _book.Remove("gone");
        _book.Confirm(fires);

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
    }

    // The owner holds what it reads for a partition while that partition's round is in flight and applies it once the
    // round's outcome is collected, before the partition's next take (docs/recurring-messages.md, "Changes and races").
    [Fact]
    public void A_removal_held_until_the_round_in_flight_was_confirmed_stops_every_later_occurrence()
    {
        Define("gone", "* * * * *");
        _time.Advance(TimeSpan.FromSeconds(30));
        var inFlight = _book.TakeDue(_time.GetUtcNow());

        _book.Confirm(inFlight);
        _book.Remove("gone");

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
    }

    [Fact]
    public void A_disable_held_until_the_round_in_flight_was_confirmed_stops_the_next_occurrence()
    {
        Define("paused", "* * * * *");
        _time.Advance(TimeSpan.FromSeconds(30));
        var inFlight = _book.TakeDue(_time.GetUtcNow());

        _book.Confirm(inFlight);
        _book.SetEnabled("paused", false, _time.GetUtcNow());

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
    }

    [Fact]
    public void An_update_held_until_the_round_in_flight_was_confirmed_applies_from_the_next_occurrence()
    {
        Define("changed", "* * * * *");
        _time.Advance(TimeSpan.FromSeconds(30));
        var inFlight = _book.TakeDue(_time.GetUtcNow());

        _book.Confirm(inFlight);
        Define("changed", "* * * * *", value: "v2");

        _time.Advance(TimeSpan.FromMinutes(1));
        var next = Assert.Single(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal((At(12, 2), "v2"), (next.Occurrence, System.Text.Encoding.UTF8.GetString(next.Entry.Definition.Value!)));
    }

    [Fact]
    public void An_update_applied_before_a_due_occurrence_replaces_its_series()
    {
        Define("changed", "* * * * *");
        _time.Advance(TimeSpan.FromSeconds(30)); // 12:01 of the old series is due
        Define("changed", "0 * * * *");          // read first: hourly from now on

        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(At(13, 0), _book.NextDue);
    }

    [Fact]
    public void An_update_of_the_payload_keeps_missed_occurrences_of_the_same_series()
    {
        Define("payload", "* * * * *");
        _book.Claimed("payload", At(12, 0), null);
        _time.Advance(TimeSpan.FromMinutes(10));
        Define("payload", "* * * * *", value: "v2");

        var fire = Assert.Single(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(FireReason.Misfire, fire.Reason);
        Assert.Equal("v2", System.Text.Encoding.UTF8.GetString(fire.Entry.Definition.Value!));
    }

    [Fact]
    public void A_disabled_schedule_fires_nothing_until_enabled()
    {
        Define("paused", "* * * * *");
        _book.SetEnabled("paused", false, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));

        _book.SetEnabled("paused", true, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(30)); // 12:04:00
        Assert.Equal(At(12, 4), Assert.Single(_book.TakeDue(_time.GetUtcNow())).Occurrence);
    }

    [Fact]
    public void A_trigger_fires_once_even_when_disabled()
    {
        Define("manual", "0 0 1 1 *", enabled: false);
        _book.Trigger("manual", 42, _time.GetUtcNow());

        var fire = Assert.Single(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(FireReason.Manual, fire.Reason);
        Assert.Equal(42, fire.TriggerOffset);
        _book.Confirm([fire]);
        Assert.Empty(_book.TakeDue(_time.GetUtcNow().AddMinutes(1)));
    }

    [Fact]
    public void A_trigger_claimed_by_a_previous_owner_does_not_fire_again()
    {
        Define("manual", "0 0 1 1 *");
        _book.Trigger("manual", 42, _time.GetUtcNow());
        _book.Claimed("manual", _time.GetUtcNow(), 42);

        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
    }

    [Fact]
    public void Paris_spring_forward_fires_a_skipped_local_time_once_at_the_transition()
    {
        // 29 March 2026: Paris clocks jump from 02:00 to 03:00 (01:00 UTC); 02:30 does not exist that day.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero));
        var book = new ScheduleBook(s_threshold);
        book.Define("paris", Definition("30 2 * * *", zone: "Europe/Paris"), time.GetUtcNow());

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), book.NextDue);
        time.Advance(TimeSpan.FromHours(13));
        var fire = Assert.Single(book.TakeDue(time.GetUtcNow()));
        book.Confirm([fire]);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero), book.NextDue); // 02:30 CEST
    }

    [Fact]
    public void New_York_fall_back_fires_a_repeated_local_time_once()
    {
        // 1 November 2026: New York clocks go back from 02:00 EDT to 01:00 EST; 01:30 happens twice.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 4, 0, 0, TimeSpan.Zero));
        var book = new ScheduleBook(s_threshold);
        book.Define("ny", Definition("30 1 * * *", zone: "America/New_York"), time.GetUtcNow());

        var fires = new List<DateTimeOffset>();
        for (var i = 0; i < 24 * 60; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            var due = book.TakeDue(time.GetUtcNow());
            book.Confirm(due);
            fires.AddRange(due.Select(f => f.Occurrence));
        }

        Assert.Equal([new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero)], fires); // 01:30 EDT only
    }

    [Fact]
    public void Occurrences_taken_ahead_and_put_back_after_an_update_fire_the_updated_definition()
    {
        Define("nightly", "0 13 * * *", value: "v1");
        _time.Advance(TimeSpan.FromMinutes(59)); // 12:59:30: taken ahead as of 13:00
        var ahead = Assert.Single(_book.TakeDue(At(13, 0)));
        var changes = _book.Changes;

        Define("nightly", "0 13 * * *", value: "v2");
        _book.Untake([ahead]);

        Assert.NotEqual(changes, _book.Changes);
        _time.Advance(TimeSpan.FromSeconds(31));
        var fire = Assert.Single(_book.TakeDue(_time.GetUtcNow()));
        Assert.Equal(At(13, 0), fire.Occurrence);
        Assert.Equal("v2", System.Text.Encoding.UTF8.GetString(fire.Entry.Definition.Value!));
    }

    [Fact]
    public void Occurrences_taken_ahead_and_put_back_after_a_removal_never_fire()
    {
        Define("nightly", "0 13 * * *");
        _time.Advance(TimeSpan.FromMinutes(59));
        var ahead = Assert.Single(_book.TakeDue(At(13, 0)));

        _book.Remove("nightly");
        _book.Untake([ahead]);

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
        Assert.Null(_book.NextDue);
    }

    [Fact]
    public void Occurrences_taken_ahead_and_put_back_unchanged_fire_once_at_their_time()
    {
        Define("nightly", "0 13 * * *");
        _time.Advance(TimeSpan.FromMinutes(59));
        var ahead = Assert.Single(_book.TakeDue(At(13, 0)));

        _book.Untake([ahead]);

        Assert.Equal(At(13, 0), _book.NextDue);
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(At(13, 0), Assert.Single(_book.TakeDue(_time.GetUtcNow())).Occurrence);
        Assert.Empty(_book.TakeDue(_time.GetUtcNow()));
    }

    private static DateTimeOffset At(int hour, int minute) => new(2026, 6, 1, hour, minute, 0, TimeSpan.Zero);

    private void Define(string name, string cron, MisfirePolicy misfire = MisfirePolicy.RunOnce, DateTimeOffset? start = null, DateTimeOffset? end = null, bool enabled = true, string value = "v")
        => Assert.True(_book.Define(name, Definition(cron, misfire: misfire, start: start, end: end, enabled: enabled, value: value), _time.GetUtcNow()));

    private static DefinitionRecord Definition(string cron, string? zone = null, MisfirePolicy misfire = MisfirePolicy.RunOnce, DateTimeOffset? start = null, DateTimeOffset? end = null, bool enabled = true, string value = "v")
        => new(1, cron, zone, "target", null, System.Text.Encoding.UTF8.GetBytes(value), [], enabled, misfire, start?.ToUnixTimeMilliseconds(), end?.ToUnixTimeMilliseconds(), null);
}
