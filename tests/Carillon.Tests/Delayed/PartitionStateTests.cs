using System.Globalization;
using System.Text;
using Carillon.Delayed.Dispatching;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;

namespace Carillon.Tests.Delayed;

public sealed class PartitionStateTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static Headers Envelope(long dueMs, string topic = "target")
        => new()
        {
            { "carillon-target-topic", Encoding.UTF8.GetBytes(topic) },
            { "carillon-deliver-at", Encoding.UTF8.GetBytes(dueMs.ToString(CultureInfo.InvariantCulture)) },
        };

    private ApplyOutcome Schedule(PartitionState state, long offset, string key, long dueMs, string value = "v")
        => state.Apply(offset, Now, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value), Envelope(dueMs), Now);

    private static PartitionState Loaded(TimeSpan? horizon = null, TimeSpan? maxLateness = null)
    {
        var state = new PartitionState(2, horizon ?? TimeSpan.FromHours(24), maxLateness);
        state.BeginLoad(0, 0);
        return state;
    }

    [Fact]
    public void Nothing_is_dispatched_before_the_load_mark_is_reached()
    {
        var state = new PartitionState(0, TimeSpan.FromHours(1), null);
        state.BeginLoad(0, 3);
        Schedule(state, 0, "a", Now - 10);
        Schedule(state, 1, "b", Now - 10);
        Assert.True(state.Loading);
        Assert.Null(state.TakeBatch(Now, 100));

        // A cancel read before the load completes is always seen before anything is dispatched (https://github.com/etf1/kafka-message-scheduler/issues/44).
        state.Apply(2, Now, "a"u8.ToArray(), null, null, Now);
        Assert.False(state.Loading);
        var batch = state.TakeBatch(Now, 100)!;
        Assert.Equal([1L], batch.Items.Select(i => i.Offset));
        Assert.Equal(3, batch.CommitOffset);
    }

    [Fact]
    public void The_load_also_completes_when_the_position_passes_the_mark()
    {
        var state = new PartitionState(0, TimeSpan.FromHours(1), null);
        state.BeginLoad(5, 9);
        Assert.False(state.CompleteLoadIfReached(8));
        Assert.True(state.CompleteLoadIfReached(9));
        Assert.False(state.Loading);
    }

    [Fact]
    public void Batches_are_taken_at_the_due_time_in_due_then_offset_order()
    {
        var state = Loaded();
        Schedule(state, 0, "late", Now + 2_000);
        Schedule(state, 1, "early", Now + 1_000);
        Schedule(state, 2, "early-too", Now + 1_000);
        Assert.Null(state.TakeBatch(Now, 100));
        Assert.Equal(Now + 1_000, state.NextWakeMs(Now));

        _time.Advance(TimeSpan.FromSeconds(1));
        var batch = state.TakeBatch(Now, 100)!;
        Assert.Equal([1L, 2L], batch.Items.Select(i => i.Offset));
        Assert.Equal(0, batch.CommitOffset); // offset 0 is still pending
        Assert.Equal(2, batch.Partition);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, state.TakeBatch(Now, 100)!.CommitOffset);
        Assert.Null(state.NextWakeMs(Now));
    }

    [Fact]
    public void The_batch_size_is_capped()
    {
        var state = Loaded();
        for (var i = 0; i < 10; i++)
        {
            Schedule(state, i, $"k{i}", Now);
        }

        var batch = state.TakeBatch(Now, 4)!;
        Assert.Equal(4, batch.Count);
        Assert.Equal(4, batch.CommitOffset);
    }

    [Fact]
    public void A_dispatch_tombstone_deletes_only_the_record_it_dispatched()
    {
        var state = new PartitionState(0, TimeSpan.FromHours(1), null);
        state.BeginLoad(0, 4);
        Schedule(state, 0, "k", Now - 5, "first");
        Schedule(state, 1, "k", Now + 1_000, "re-scheduled"); // produced between the dispatch and its tombstone
        var tombstone = new Headers { { "carillon-dispatched-offset", "0"u8.ToArray() } };
        Assert.Equal(ApplyOutcome.Ignored, state.Apply(2, Now, "k"u8.ToArray(), null, tombstone, Now));
        Schedule(state, 3, "other", Now + 1_000);
        Assert.Equal(2, state.Index.Count);

        var ownTombstone = new Headers { { "carillon-dispatched-offset", "3"u8.ToArray() } };
        Assert.Equal(ApplyOutcome.Cancelled, state.Apply(4, Now, "other"u8.ToArray(), null, ownTombstone, Now));
        Assert.Equal(1, state.Index.Count);
    }

    [Fact]
    public void Records_beyond_the_horizon_are_not_held_but_pin_the_commit_position_and_schedule_a_rescan()
    {
        var state = Loaded(horizon: TimeSpan.FromSeconds(10));
        Assert.Equal(ApplyOutcome.BeyondHorizon, Schedule(state, 0, "far", Now + 60_000));
        Assert.Equal(ApplyOutcome.Held, Schedule(state, 1, "near", Now + 1_000));
        Assert.Equal(1, state.Index.Count);
        Assert.Equal(2, state.Pending);
        Assert.Equal(Now + 60_000 - 5_000, state.RescanAtMs);

        _time.Advance(TimeSpan.FromSeconds(1));
        var batch = state.TakeBatch(Now, 10)!;
        Assert.Single(batch.Items);
        Assert.Equal(0, batch.CommitOffset);
        Assert.Equal(Now + 59_000 - 5_000, state.NextWakeMs(Now));

        // The re-scan re-reads from the committed offset: now the far record is within the horizon.
        _time.Advance(TimeSpan.FromSeconds(54));
        state.BeginLoad(0, 3);
        Schedule(state, 0, "far", _time.GetUtcNow().AddSeconds(5).ToUnixTimeMilliseconds());
        Schedule(state, 1, "near", Now - 54_000);
        state.Apply(2, Now, "near"u8.ToArray(), null, new Headers { { "carillon-dispatched-offset", "1"u8.ToArray() } }, Now);
        Assert.False(state.Loading);
        Assert.Equal(1, state.Index.Count);
        Assert.Null(state.RescanAtMs);
    }

    [Fact]
    public void A_newer_beyond_horizon_record_replaces_a_held_one()
    {
        var state = Loaded(horizon: TimeSpan.FromSeconds(10));
        Schedule(state, 0, "k", Now + 1_000);
        Assert.Equal(ApplyOutcome.BeyondHorizonReplacing, Schedule(state, 1, "k", Now + 60_000));
        Assert.Equal(0, state.Index.Count);
        Assert.Equal(1, state.CommitPosition());
    }

    [Fact]
    public void Invalid_records_go_to_the_dead_letters_at_once_and_pin_the_commit_position_until_then()
    {
        var state = Loaded();
        Schedule(state, 0, "later", Now + 1_000);
        Assert.Equal(ApplyOutcome.Invalid, state.Apply(1, Now, "bad"u8.ToArray(), "v"u8.ToArray(), new Headers(), Now));
        Assert.Equal(Now, state.NextWakeMs(Now));
        var batch = state.TakeBatch(Now, 10)!;
        Assert.Empty(batch.Items);
        Assert.Equal(Carillon.Delayed.Envelope.InvalidReason.MissingTargetTopic, Assert.Single(batch.DeadLetters).Reason);
        Assert.Equal(0, batch.CommitOffset);
    }

    [Fact]
    public void Past_due_records_dispatch_at_once_unless_later_than_the_max_lateness()
    {
        var state = Loaded(maxLateness: TimeSpan.FromMinutes(1));
        Schedule(state, 0, "slightly-late", Now - 30_000);
        Schedule(state, 1, "too-late", Now - 120_000);
        var batch = state.TakeBatch(Now, 10)!;
        Assert.Equal([0L], batch.Items.Select(i => i.Offset));
        var dead = Assert.Single(batch.DeadLetters);
        Assert.Equal(Carillon.Delayed.Envelope.InvalidReason.TooLate, dead.Reason);
        Assert.Equal("target", Encoding.UTF8.GetString(dead.Headers.GetLastBytes("carillon-target-topic")));
        Assert.Equal(2, batch.CommitOffset);
    }

    [Fact]
    public void A_rejected_record_becomes_a_dead_letter_on_the_reload()
    {
        var state = Loaded();
        Schedule(state, 0, "big", Now);
        Schedule(state, 1, "ok", Now);
        var failed = state.TakeBatch(Now, 10)!;
        Assert.Equal(2, failed.Items.Count);

        // The transaction failed on offset 0; the partition reloads from the last committed offset.
        state.Reject(0);
        state.BeginLoad(0, 2);
        Schedule(state, 0, "big", Now);
        Schedule(state, 1, "ok", Now);
        var retry = state.TakeBatch(Now, 10)!;
        Assert.Equal([1L], retry.Items.Select(i => i.Offset));
        Assert.Equal(Carillon.Delayed.Envelope.InvalidReason.TargetRejected, Assert.Single(retry.DeadLetters).Reason);
        Assert.Equal(2, retry.CommitOffset);
    }

    [Fact]
    public void The_commit_position_is_the_oldest_pending_record_or_the_applied_position()
    {
        var state = Loaded();
        Assert.Equal(0, state.CommitPosition());
        Schedule(state, 0, "a", Now + 5_000);
        Schedule(state, 1, "b", Now + 1_000);
        state.Apply(2, Now, "a"u8.ToArray(), null, null, Now); // cancel a
        Assert.Equal(1, state.CommitPosition());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, state.TakeBatch(Now, 10)!.CommitOffset);
    }

    // Issue 8: records that must never stop a partition.
    [Fact]
    public void A_due_time_beyond_the_limit_ahead_is_dead_lettered_and_a_far_but_valid_one_is_held_beyond_the_horizon()
    {
        var state = Loaded();
        Assert.Equal(ApplyOutcome.Invalid, Schedule(state, 0, "year-9999", 253402300799000));
        Assert.Equal(ApplyOutcome.BeyondHorizon, Schedule(state, 1, "in-60-days", Now + (long)TimeSpan.FromDays(60).TotalMilliseconds));

        var batch = state.TakeBatch(Now, 100)!;
        Assert.Equal(["deliver-at-out-of-range"], batch.DeadLetters.Select(d => Carillon.Delayed.Envelope.InvalidReasons.Describe(d.Reason)));
        Assert.Equal(1, batch.CommitOffset); // the 60-day record pins the commit until it is dispatched
    }

    [Fact]
    public void Carillon_topics_and_topics_outside_the_allow_list_are_dead_lettered()
    {
        var policy = new TargetTopicPolicy(["carillon_schedules", "carillon_delayed"], ["orders"]);
        var state = new PartitionState(0, TimeSpan.FromHours(1), null, policy);
        state.BeginLoad(0, 0);
        state.Apply(0, Now, "a"u8.ToArray(), "v"u8.ToArray(), Envelope(Now, "carillon_schedules"), Now);
        state.Apply(1, Now, "b"u8.ToArray(), "v"u8.ToArray(), Envelope(Now, "payments"), Now);
        state.Apply(2, Now, "c"u8.ToArray(), "v"u8.ToArray(), Envelope(Now, "orders"), Now);

        var batch = state.TakeBatch(Now, 100)!;
        Assert.Equal(["target-topic-reserved", "target-topic-not-allowed"], batch.DeadLetters.Select(d => Carillon.Delayed.Envelope.InvalidReasons.Describe(d.Reason)));
        Assert.Equal("orders", Assert.Single(batch.Items).TargetTopic);
    }

    [Fact]
    public void Each_allowed_target_topic_is_told_once_per_load_when_a_record_for_it_is_first_held()
    {
        var told = new List<string>();
        var policy = new TargetTopicPolicy(["carillon_delayed"]);
        var state = new PartitionState(0, TimeSpan.FromHours(1), null, policy) { TopicHeld = told.Add };
        state.BeginLoad(0, 0);
        state.Apply(0, Now, "a"u8.ToArray(), "v"u8.ToArray(), Envelope(Now + 10, "orders"), Now);
        state.Apply(1, Now, "b"u8.ToArray(), "v"u8.ToArray(), Envelope(Now + 20, "orders"), Now);
        state.Apply(2, Now, "c"u8.ToArray(), "v"u8.ToArray(), Envelope(Now + 30, "carillon_delayed"), Now);
        state.Apply(3, Now, "d"u8.ToArray(), "v"u8.ToArray(), Envelope(Now + 40, "payments"), Now);
        Assert.Equal(["orders", "payments"], told);

        // A reload starts afresh: the directory it tells answers known topics from its cache.
        state.BeginLoad(0, 0);
        state.Apply(0, Now, "a"u8.ToArray(), "v"u8.ToArray(), Envelope(Now + 10, "orders"), Now);
        Assert.Equal(["orders", "payments", "orders"], told);
    }

    [Fact]
    public void A_dead_letter_tombstone_read_on_a_reload_clears_the_dead_letter()
    {
        var state = Loaded();
        var bad = new Headers { { "carillon-target-topic", "t"u8.ToArray() }, { "carillon-deliver-at", "soon"u8.ToArray() } };
        state.Apply(0, Now, "bad"u8.ToArray(), "v"u8.ToArray(), bad, Now);
        Assert.Single(state.TakeBatch(Now, 100)!.DeadLetters);

        // Reloaded from before it: the record and then the tombstone its dead letter was committed with.
        state.BeginLoad(0, 2);
        state.Apply(0, Now, "bad"u8.ToArray(), "v"u8.ToArray(), bad, Now);
        state.Apply(1, Now, "bad"u8.ToArray(), null, new Headers { { "carillon-dispatched-offset", "0"u8.ToArray() } }, Now);
        Assert.False(state.Loading);
        Assert.Null(state.TakeBatch(Now, 100));
        Assert.Equal(2, state.CommitPosition());
    }

    [Fact]
    public void A_skipped_record_advances_the_load()
    {
        var state = new PartitionState(0, TimeSpan.FromHours(1), null);
        state.BeginLoad(0, 1);
        state.Skip(0);
        Assert.False(state.Loading);
        Assert.Equal(1, state.CommitPosition());
    }
}
