using System.Text;
using Carillon.Delayed.Index;

namespace Carillon.Tests.Delayed;

public sealed class ScheduleIndexTests
{
    private static byte[] Blob(string key, string value = "v") => EntryBlob.Build(Encoding.UTF8.GetBytes(key), null, null, Encoding.UTF8.GetBytes(value));

    private static List<long> DrainOffsets(ScheduleIndex index, long nowMs)
    {
        var offsets = new List<long>();
        while (index.TryTakeDue(nowMs, out var e))
        {
            offsets.Add(e.Offset);
        }

        return offsets;
    }

    [Fact]
    public void Records_come_out_by_due_time_then_offset()
    {
        var index = new ScheduleIndex();
        index.Put(0, 30, 0, Blob("a"));
        index.Put(1, 10, 0, Blob("b"));
        index.Put(2, 20, 0, Blob("c"));
        index.Put(3, 10, 0, Blob("d"));
        Assert.Equal([1, 3], DrainOffsets(index, 15));
        Assert.Equal([2, 0], DrainOffsets(index, 100));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Extreme_and_far_apart_due_times_keep_their_order()
    {
        var index = new ScheduleIndex();
        long[] dues = [1_700_000_000_000, long.MaxValue, long.MinValue, 1_700_000_000_000 + (40L * 86_400_000), 0, -5, 1_700_000_000_000 - (40L * 86_400_000), long.MaxValue - 1, 1_700_000_000_000];
        for (var i = 0; i < dues.Length; i++)
        {
            index.Put(i, dues[i], 0, Blob($"k{i}"));
        }

        var expected = dues.Select((due, offset) => (due, offset)).OrderBy(x => x.due).ThenBy(x => x.offset).Select(x => (long)x.offset).ToList();
        Assert.Equal(expected, DrainOffsets(index, long.MaxValue));
    }

    [Fact]
    public void A_newer_record_of_a_key_replaces_the_held_one()
    {
        var index = new ScheduleIndex();
        Assert.False(index.Put(0, 10, 0, Blob("k", "old")));
        Assert.True(index.Put(5, 50, 0, Blob("k", "new")));
        Assert.Equal(1, index.Count);
        Assert.Empty(DrainOffsets(index, 20));
        Assert.True(index.TryTakeDue(50, out var e));
        Assert.Equal("new", Encoding.UTF8.GetString(EntryBlob.Read(e.Blob.Span).Value));
    }

    [Fact]
    public void Cancel_removes_only_lower_offsets_and_a_dispatch_tombstone_only_its_own_offset()
    {
        var index = new ScheduleIndex();
        index.Put(3, 10, 0, Blob("k"));
        Assert.False(index.RemoveBefore("k"u8, 3));
        Assert.False(index.RemoveExact("k"u8, 2));
        Assert.True(index.RemoveExact("k"u8, 3));
        index.Put(4, 10, 0, Blob("k"));
        Assert.True(index.RemoveBefore("k"u8, 9));
        Assert.Equal(0, index.Count);
        Assert.False(index.RemoveBefore("unknown"u8, 100));
    }

    [Fact]
    public void The_oldest_offset_is_the_lowest_held_one()
    {
        var index = new ScheduleIndex();
        index.Put(10, 100, 0, Blob("a"));
        index.Put(11, 5, 0, Blob("b"));
        index.Put(12, 50, 0, Blob("c"));
        Assert.Equal(10, index.OldestOffset);
        Assert.True(index.TryTakeDue(5, out _));
        Assert.Equal(10, index.OldestOffset);
        Assert.True(index.RemoveBefore("a"u8, 20));
        Assert.Equal(12, index.OldestOffset);
        Assert.True(index.RemoveExact("c"u8, 12));
        Assert.Null(index.OldestOffset);
    }

    [Fact]
    public void Heavy_churn_keeps_heap_keys_and_offsets_consistent()
    {
        // A model check against a dictionary, across growth, compaction and key-table deletions.
        var random = new Random(7);
        var index = new ScheduleIndex();
        var model = new Dictionary<string, (long Due, long Offset)>();
        long offset = 0;
        for (var step = 0; step < 50_000; step++)
        {
            var key = $"k{random.Next(3_000)}";
            switch (random.Next(10))
            {
                case < 6:
                    var due = random.Next(1_000_000);
                    index.Put(offset, due, 0, Blob(key));
                    model[key] = (due, offset);
                    break;
                case < 8:
                    if (index.RemoveBefore(Encoding.UTF8.GetBytes(key), offset))
                    {
                        Assert.True(model.Remove(key));
                    }
                    else
                    {
                        Assert.False(model.ContainsKey(key));
                    }

                    break;
                default:
                    var now = random.Next(1_000_000);
                    while (index.TryTakeDue(now, out var e))
                    {
                        var taken = Encoding.UTF8.GetString(EntryBlob.Key(e.Blob.Span));
                        var expected = model.Where(kv => kv.Value.Due <= now).MinBy(kv => (kv.Value.Due, kv.Value.Offset));
                        Assert.Equal(expected.Key, taken);
                        model.Remove(taken);
                    }

                    break;
            }

            offset++;
            Assert.Equal(model.Count, index.Count);
            Assert.Equal(model.Count == 0 ? null : model.Values.Min(v => v.Offset), index.OldestOffset);
        }
    }

    [Fact]
    public void Values_survive_chunk_release_and_repacking_under_churn()
    {
        // Values of 1–40 KB: shared chunks, dedicated chunks for the large ones, and re-packs as dispatch frees space.
        var random = new Random(11);
        var index = new ScheduleIndex();
        var expected = new Dictionary<long, string>();
        for (var offset = 0; offset < 20_000; offset++)
        {
            var value = new string((char)('a' + (offset % 26)), random.Next(1, random.Next(10) == 0 ? 40_000 : 2_000)) + offset;
            index.Put(offset, random.Next(100_000), 0, Blob($"k{offset}", value));
            expected[offset] = value;
            if (offset % 3 == 0)
            {
                var now = random.Next(100_000);
                while (index.TryTakeDue(now, out var e))
                {
                    Assert.Equal(expected[e.Offset], Encoding.UTF8.GetString(EntryBlob.Read(e.Blob.Span).Value));
                    expected.Remove(e.Offset);
                }
            }
        }

        while (index.TryTakeDue(long.MaxValue, out var e))
        {
            Assert.Equal(expected[e.Offset], Encoding.UTF8.GetString(EntryBlob.Read(e.Blob.Span).Value));
            expected.Remove(e.Offset);
        }

        Assert.Empty(expected);
        Assert.True(index.BlobBytes <= BlobStoreChunk, $"{index.BlobBytes} bytes still held");
    }

    private const int BlobStoreChunk = 256 * 1024;

    [Fact]
    public void A_taken_record_comes_back_with_its_topic_id_and_bytes_at_any_size()
    {
        // Topic IDs and lengths of one to three varint bytes; values past an eighth of a chunk get a chunk of their own.
        var index = new ScheduleIndex();
        int[] topicIds = [0, 127, 128, 300, 70_000];
        int[] sizes = [0, 100, 200, 40_000, 300_000];
        for (var i = 0; i < topicIds.Length; i++)
        {
            index.Put(i, 10 + i, topicIds[i], Blob($"k{i}", new string('x', sizes[i])));
        }

        for (var i = 0; i < topicIds.Length; i++)
        {
            Assert.True(index.TryTakeDue(long.MaxValue, out var e));
            Assert.Equal((i, 10L + i, topicIds[i]), ((int)e.Offset, e.DueMs, e.TopicId));
            Assert.Equal(new string('x', sizes[i]), Encoding.UTF8.GetString(EntryBlob.Read(e.Blob.Span).Value));
        }
    }

    [Fact]
    public void Schedules_removed_below_the_earliest_are_never_taken_and_the_next_due_time_skips_them()
    {
        var index = new ScheduleIndex();
        for (var i = 0; i < 10; i++)
        {
            index.Put(i, 10 * (i + 1), 0, Blob($"k{i}"));
        }

        for (var i = 1; i <= 5; i++)
        {
            Assert.True(index.RemoveBefore(Encoding.UTF8.GetBytes($"k{i}"), 100));
        }

        Assert.Equal(10, index.NextDueMs);
        Assert.True(index.RemoveExact("k0"u8, 0));
        Assert.Equal(70, index.NextDueMs);
        Assert.Equal([6, 7, 8, 9], DrainOffsets(index, long.MaxValue));
        Assert.Null(index.NextDueMs);
    }

    [Fact]
    public void An_emptied_index_holds_new_schedules_without_ghosts_of_removed_ones()
    {
        var index = new ScheduleIndex();
        index.Put(0, 100, 0, Blob("a"));
        index.Put(1, 200, 0, Blob("b"));
        Assert.True(index.RemoveBefore("b"u8, 2));
        Assert.Equal([0], DrainOffsets(index, long.MaxValue));

        index.Put(2, 300, 0, Blob("c"));
        index.Put(3, 50, 0, Blob("d"));
        Assert.Equal(2, index.Count);
        Assert.Equal([3, 2], DrainOffsets(index, long.MaxValue));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Equal_due_times_come_out_in_offset_order_after_compactions()
    {
        // Every other schedule cancelled while the arena fills: the arena is compacted (slots renumbered) several times.
        var index = new ScheduleIndex();
        for (var offset = 0; offset < 10_000; offset++)
        {
            index.Put(offset, offset % 3 == 0 ? 5 : 7, 0, Blob($"k{offset}"));
            if (offset % 2 == 1)
            {
                Assert.True(index.RemoveBefore(Encoding.UTF8.GetBytes($"k{offset - 1}"), offset));
            }
        }

        var held = Enumerable.Range(0, 10_000).Where(o => o % 2 == 1).Select(o => (long)o).ToList();
        var expected = held.Where(o => o % 3 == 0).Concat(held.Where(o => o % 3 != 0)).ToList();
        Assert.Equal(expected, DrainOffsets(index, long.MaxValue));
    }

    [Fact]
    public void After_a_trim_every_key_is_found_and_new_schedules_keep_the_order()
    {
        // A load of 60,000 schedules over 50,000 keys (replacements leave dead slots), trimmed, then grown again.
        var index = new ScheduleIndex();
        var model = new Dictionary<string, (long Due, long Offset)>();
        var random = new Random(3);
        long offset = 0;
        for (; offset < 60_000; offset++)
        {
            var key = $"k{random.Next(50_000)}";
            var due = random.Next(1_000_000);
            Assert.Equal(model.ContainsKey(key), index.Put(offset, due, 0, Blob(key)));
            model[key] = (due, offset);
        }

        index.Trim();
        foreach (var (key, (_, held)) in model)
        {
            Assert.Equal(held, index.OffsetOf(Encoding.UTF8.GetBytes(key)));
        }

        for (var i = 0; i < 20_000; offset++, i++)
        {
            var key = $"n{i}";
            var due = random.Next(1_000_000);
            index.Put(offset, due, 0, Blob(key));
            model[key] = (due, offset);
        }

        var expected = model.Values.OrderBy(v => v.Due).ThenBy(v => v.Offset).Select(v => v.Offset).ToList();
        Assert.Equal(expected, DrainOffsets(index, long.MaxValue));
    }

    [Fact]
    public void A_trim_gives_back_the_blob_space_of_the_chunk_being_filled()
    {
        var index = new ScheduleIndex();
        for (var offset = 0; offset < 100; offset++)
        {
            index.Put(offset, offset, 0, Blob($"k{offset}", "value"));
        }

        Assert.Equal(BlobStoreChunk, index.BlobBytes);
        index.Trim();
        Assert.True(index.BlobBytes < 4_000, $"{index.BlobBytes} bytes held for 100 small records");
        Assert.Equal(100, DrainOffsets(index, long.MaxValue).Count);
    }

    [Fact]
    public void Blobs_round_trip_keys_target_keys_user_headers_and_values()
    {
        var headers = new Confluent.Kafka.Headers { { "user", "u"u8.ToArray() }, { "carillon-target-topic", "t"u8.ToArray() }, { "empty", null } };
        var blob = EntryBlob.Build("key"u8, "tk"u8.ToArray(), headers, "value"u8);
        var parts = EntryBlob.Read(blob);
        Assert.Equal("key", Encoding.UTF8.GetString(parts.Key));
        Assert.Equal("tk", Encoding.UTF8.GetString(parts.TargetKey!));
        Assert.Equal("value", Encoding.UTF8.GetString(parts.Value));
        Assert.Equal(["user", "empty"], parts.Headers.Select(h => h.Key).ToArray());
        Assert.Null(parts.Headers[1].GetValueBytes());
        Assert.Null(EntryBlob.Read(EntryBlob.Build("k"u8, null, null, [])).TargetKey);
        Assert.Equal(-86_400_000_123L, EntryBlob.TimestampDistance(EntryBlob.Build("k"u8, null, headers, "v"u8, -86_400_000_123L)));
        Assert.Equal(long.MaxValue, EntryBlob.TimestampDistance(EntryBlob.Build("k"u8, null, null, [], long.MaxValue)));
        Assert.Equal("k", Encoding.UTF8.GetString(EntryBlob.Key(EntryBlob.Build("k"u8, "t"u8.ToArray(), headers, "v"u8, 12345))));
    }
}
