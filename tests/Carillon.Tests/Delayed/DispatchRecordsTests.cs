using System.Text;
using Carillon.Delayed.Dispatching;
using Carillon.Delayed.Envelope;
using Carillon.Delayed.Index;
using Confluent.Kafka;

namespace Carillon.Tests.Delayed;

/// <summary>
/// The dispatch reuses its message objects, headers and arrays from one produce to the next (issue 14): what one record
/// was built with must never show in a later record.
/// </summary>
public sealed class DispatchRecordsTests
{
    private static readonly byte[] s_partition = Encoding.ASCII.GetBytes("3");

    private static DispatchItem Item(long offset, string key, string value, string? targetKey = null, long dueMs = 1_000, long timestampMs = 900, Headers? headers = null)
    {
        var blob = EntryBlob.Build(Encoding.UTF8.GetBytes(key), targetKey is null ? null : Encoding.UTF8.GetBytes(targetKey), headers, Encoding.UTF8.GetBytes(value), dueMs - timestampMs);
        return new DispatchItem(offset, dueMs, timestampMs, "target", blob);
    }

    // What Produce would copy out of the message before it returns.
    private static string Snapshot(Message<byte[]?, byte[]?> message)
    {
        var text = new StringBuilder();
        text.Append("key=").Append(message.Key is null ? "null" : Encoding.UTF8.GetString(message.Key));
        text.Append(" value=").Append(message.Value is null ? "null" : Encoding.UTF8.GetString(message.Value));
        foreach (var header in message.Headers)
        {
            text.Append(' ').Append(header.Key).Append('=').Append(Encoding.UTF8.GetString(header.GetValueBytes()));
        }

        return text.ToString();
    }

    private static (string Target, string Tombstone) Build(DispatchRecords records, DispatchItem item)
    {
        var target = Snapshot(records.Target(item, s_partition, out var key, out var offset));
        return (target, Snapshot(records.Tombstone(key, offset)));
    }

    private static string Expected(string key, string value, long offset, string? targetKey = null, long dueMs = 1_000, long timestampMs = 900, string userHeaders = "")
        => $"key={targetKey ?? "null"} value={value}{userHeaders} {ControlHeaders.ScheduleKey}={key} {ControlHeaders.ScheduledAt}={dueMs} "
            + $"{ControlHeaders.SourcePartition}=3 {ControlHeaders.SourceOffset}={offset} {ControlHeaders.OriginalTimestamp}={timestampMs}";

    [Fact]
    public void Records_of_the_same_lengths_carry_only_their_own_key_value_and_offset()
    {
        var records = new DispatchRecords();

        var first = Build(records, Item(17, "schedule-1", "aaaa", targetKey: "t1"));
        var second = Build(records, Item(18, "schedule-2", "bbbb", targetKey: "t2"));

        Assert.Equal(Expected("schedule-1", "aaaa", 17, targetKey: "t1"), first.Target);
        Assert.Equal($"key=schedule-1 value=null {ControlHeaders.DispatchedOffset}=17", first.Tombstone);
        Assert.Equal(Expected("schedule-2", "bbbb", 18, targetKey: "t2"), second.Target);
        Assert.Equal($"key=schedule-2 value=null {ControlHeaders.DispatchedOffset}=18", second.Tombstone);
    }

    [Fact]
    public void A_shorter_record_after_a_longer_one_carries_none_of_its_bytes()
    {
        var records = new DispatchRecords();
        Build(records, Item(123_456, "schedule-long", "a much longer value", targetKey: "target-key"));

        var shorter = Build(records, Item(7, "s", "v"));

        Assert.Equal(Expected("s", "v", 7), shorter.Target);
        Assert.Equal($"key=s value=null {ControlHeaders.DispatchedOffset}=7", shorter.Tombstone);
    }

    [Fact]
    public void Records_in_more_lengths_than_are_kept_each_carry_their_own_bytes()
    {
        var records = new DispatchRecords();
        for (var i = 1; i <= 12; i++)
        {
            var key = new string('k', i);
            var value = new string((char)('a' + i), i * 3);
            var built = Build(records, Item(i, key, value));
            Assert.Equal(Expected(key, value, i), built.Target);
        }
    }

    [Fact]
    public void A_value_larger_than_the_kept_arrays_is_copied_whole()
    {
        var records = new DispatchRecords();
        var large = new string('x', 40 * 1024);

        var first = Build(records, Item(1, "schedule-1", large));
        var second = Build(records, Item(2, "schedule-2", large.Replace('x', 'y')));

        Assert.Equal(Expected("schedule-1", large, 1), first.Target);
        Assert.Equal(Expected("schedule-2", large.Replace('x', 'y'), 2), second.Target);
    }

    [Fact]
    public void Due_time_and_timestamp_headers_follow_each_record()
    {
        var records = new DispatchRecords();

        var first = Build(records, Item(1, "a", "v", dueMs: 5_000, timestampMs: 4_000));
        var sameInstant = Build(records, Item(2, "b", "v", dueMs: 5_000, timestampMs: 4_000));
        var later = Build(records, Item(3, "c", "v", dueMs: 6_000, timestampMs: 4_500));

        Assert.Equal(Expected("a", "v", 1, dueMs: 5_000, timestampMs: 4_000), first.Target);
        Assert.Equal(Expected("b", "v", 2, dueMs: 5_000, timestampMs: 4_000), sameInstant.Target);
        Assert.Equal(Expected("c", "v", 3, dueMs: 6_000, timestampMs: 4_500), later.Target);
    }

    [Fact]
    public void User_headers_of_one_record_do_not_carry_over_to_the_next()
    {
        var records = new DispatchRecords();

        var withHeaders = Build(records, Item(1, "a", "v", headers: new Headers { { "trace", Encoding.UTF8.GetBytes("t-1") } }));
        var without = Build(records, Item(2, "b", "w"));

        Assert.Equal(Expected("a", "v", 1, userHeaders: " trace=t-1"), withHeaders.Target);
        Assert.Equal(Expected("b", "w", 2), without.Target);
    }
}
