using System.Runtime.CompilerServices;

namespace Carillon.Delayed.Index;

/// <summary>
/// The held schedules of one partition: a min-heap by (due time, offset) for dispatch, an open-addressing key table
/// for replace and cancel, and an arena of entries in offset order whose first live slot is the oldest held offset
/// (the commit position). Dispatch, replace and cancel are O(log n); dead slots are compacted away in O(n) when they
/// outnumber live ones, which keeps that amortized O(1). Not thread-safe: the owner serializes access.
/// The dispatch-side methods are compiled fully optimized from their first call: a backlog falling due at once runs
/// them hundreds of thousands of times within a second or two, before tiered compilation promotes them (figures:
/// docs/benchmarks-delayed.md, "Figures behind code choices").
/// </summary>
internal sealed class ScheduleIndex
{
    private IndexEntry[] _entries = new IndexEntry[16];
    private int _head;   // first slot that may be live
    private int _tail;   // next free slot
    private int _count;  // live slots
    // Heap nodes carry the due time relative to _baseMs (clamped to int), so sifting compares within one array
    // instead of chasing entries: that made taking due records several times faster. Equal relative times (the same
    // millisecond, or both clamped) fall back to the entries' full (due, offset).
    private HeapNode[] _heap = new HeapNode[16];
    private long _baseMs = long.MinValue;
    private readonly KeyTable _keys = new();
    private BlobStore _blobs = new();

    /// <summary>Bytes of blob storage held (for diagnostics and the memory benchmark).</summary>
    public long BlobBytes => _blobs.AllocatedBytes;

    public int Count => _count;

    /// <summary>Offset of the oldest held record, or null when none is held.</summary>
    public long? OldestOffset => _count == 0 ? null : _entries[_head].Offset;

    public long? NextDueMs => _count == 0 ? null : _entries[_heap[0].Slot].DueMs;

    /// <summary>Offset of the record currently held for <paramref name="key"/>, or -1.</summary>
    public long OffsetOf(ReadOnlySpan<byte> key)
    {
        var slot = _keys.Find(_entries, _blobs, key, KeyTable.Hash(key));
        return slot < 0 ? -1 : _entries[slot].Offset;
    }

    /// <summary>
    /// Holds a record; offsets must increase from call to call (records are read in order). Returns whether it
    /// replaced a held record of the same key.
    /// </summary>
    public bool Put(long offset, long dueMs, int topicId, ReadOnlySpan<byte> blob)
    {
        var key = EntryBlob.Key(blob);
        var hash = KeyTable.Hash(key);
        var replaced = false;
        var existing = _keys.Find(_entries, _blobs, key, hash);
        if (existing >= 0)
        {
            RemoveSlot(existing);
            replaced = true;
        }

        if (_tail == _entries.Length)
        {
            MakeRoom();
        }

        var slot = _tail++;
        var (chunk, position) = _blobs.Add(blob);
        _entries[slot] = new IndexEntry { DueMs = dueMs, Offset = offset, Chunk = chunk, Position = position, Length = blob.Length, TopicId = topicId, KeyHash = hash };
        _count++;
        _keys.Add(slot, hash);
        HeapPush(slot);
        return replaced;
    }

    /// <summary>Removes the key's record when its offset is below <paramref name="beforeOffset"/> (a cancel).</summary>
    public bool RemoveBefore(ReadOnlySpan<byte> key, long beforeOffset)
    {
        var slot = _keys.Find(_entries, _blobs, key, KeyTable.Hash(key));
        if (slot < 0 || _entries[slot].Offset >= beforeOffset)
        {
            return false;
        }

        RemoveSlot(slot);
        return true;
    }

    /// <summary>Removes the key's record only when it is the one at <paramref name="offset"/> (a dispatch tombstone).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool RemoveExact(ReadOnlySpan<byte> key, long offset)
    {
        var slot = _keys.Find(_entries, _blobs, key, KeyTable.Hash(key));
        if (slot < 0 || _entries[slot].Offset != offset)
        {
            return false;
        }

        RemoveSlot(slot);
        return true;
    }

    /// <summary>Takes the earliest record when it is due at or before <paramref name="nowMs"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryTakeDue(long nowMs, out TakenEntry entry)
    {
        if (_count == 0 || _entries[_heap[0].Slot].DueMs > nowMs)
        {
            entry = default;
            return false;
        }

        var slot = _heap[0].Slot;
        ref var taken = ref _entries[slot];
        entry = new TakenEntry(taken.DueMs, taken.Offset, taken.TopicId, _blobs.Memory(taken));
        RemoveSlot(slot);
        return true;
    }

    /// <summary>
    /// Gives back the growth slack once a load is complete (arrays doubled while loading), so that a loaded partition
    /// holds about what it needs.
    /// </summary>
    public void Trim()
    {
        var needed = Math.Max(16, _count + (_count / 16));
        if (_entries.Length > needed + (needed / 8))
        {
            Compact(needed);
            _heap = _heap.AsSpan(0, Math.Min(_heap.Length, needed)).ToArray();
        }

        _blobs.TrimTail();
    }

    public void Clear()
    {
        _entries = new IndexEntry[16];
        _heap = new HeapNode[16];
        _baseMs = long.MinValue;
        _head = _tail = _count = 0;
        _keys.Clear();
        _blobs = new BlobStore();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RemoveSlot(int slot)
    {
        _keys.Remove(slot, _entries[slot].KeyHash);
        _blobs.Free(_entries[slot]);
        var heapIndex = _entries[slot].HeapIndex;
        _count--;
        HeapRemoveAt(heapIndex);
        _entries[slot] = default;
        _entries[slot].HeapIndex = -1;
        while (_head < _tail && !_entries[_head].IsLive)
        {
            _head++;
        }

        if (_count == 0)
        {
            _head = _tail = 0;
        }
    }

    // The arena is full: compact when at least half of it is dead, otherwise grow.
    private void MakeRoom()
    {
        if (_head == 0 && _count == _tail)
        {
            // No dead slots: slots keep their numbers, so the heap and key table stay valid.
            Array.Resize(ref _entries, _entries.Length * 2);
            return;
        }

        if (_count <= _entries.Length / 2)
        {
            Compact(_entries.Length);
        }
        else
        {
            Compact(_entries.Length * 2);
        }
    }

    private void Compact(int capacity)
    {
        var entries = new IndexEntry[capacity];
        var n = 0;
        for (var i = _head; i < _tail; i++)
        {
            if (_entries[i].IsLive)
            {
                entries[n++] = _entries[i];
            }
        }

        _entries = entries;
        _head = 0;
        _tail = n;
        if (_blobs.Fragmented)
        {
            // Copy the live blobs, in offset order, into fresh chunks; the old chunks go with the old store.
            var blobs = new BlobStore();
            for (var i = 0; i < n; i++)
            {
                (entries[i].Chunk, entries[i].Position) = blobs.Add(_blobs.Get(entries[i]));
            }

            _blobs = blobs;
        }

        if (_heap.Length < capacity)
        {
            _heap = new HeapNode[capacity];
        }

        // Offsets keep their order, so the heap and key table are rebuilt from the compacted arena in O(n).
        for (var i = 0; i < n; i++)
        {
            _heap[i] = new HeapNode(Relative(_entries[i].DueMs), i);
            _entries[i].HeapIndex = i;
        }

        for (var i = n / 2 - 1; i >= 0; i--)
        {
            SiftDown(i);
        }

        var hashes = new int[n];
        for (var i = 0; i < n; i++)
        {
            hashes[i] = _entries[i].KeyHash;
        }

        _keys.Rebuild(hashes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Less(in HeapNode a, in HeapNode b)
    {
        if (a.RelativeDue != b.RelativeDue)
        {
            return a.RelativeDue < b.RelativeDue;
        }

        ref var x = ref _entries[a.Slot];
        ref var y = ref _entries[b.Slot];
        return x.DueMs < y.DueMs || (x.DueMs == y.DueMs && x.Offset < y.Offset);
    }

    private int Relative(long dueMs)
    {
        // Clamping keeps the order monotone (never inverted); clamped ties are broken by the full comparison.
        // Magnitudes as ulong: due times parsed from headers may be anywhere in the long range without overflowing.
        if (dueMs >= _baseMs)
        {
            var ahead = (ulong)dueMs - (ulong)_baseMs;
            return ahead > int.MaxValue ? int.MaxValue : (int)ahead;
        }

        var behind = (ulong)_baseMs - (ulong)dueMs;
        return behind >= 1UL << 31 ? int.MinValue : -(int)behind;
    }

    private readonly record struct HeapNode(int RelativeDue, int Slot);

    private void HeapPush(int slot)
    {
        if (_count > _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var i = _count - 1;
        if (_baseMs == long.MinValue)
        {
            _baseMs = _entries[slot].DueMs;
        }

        _heap[i] = new HeapNode(Relative(_entries[slot].DueMs), slot);
        _entries[slot].HeapIndex = i;
        SiftUp(i);
    }

    // _count no longer includes the removed element when this runs: the last heap element fills its place.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void HeapRemoveAt(int i)
    {
        var last = _count;
        if (i != last)
        {
            _heap[i] = _heap[last];
            _entries[_heap[i].Slot].HeapIndex = i;
            SiftDown(i);
            SiftUp(i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Less(_heap[i], _heap[parent]))
            {
                break;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftDown(int i)
    {
        var n = _count;
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= n)
            {
                break;
            }

            var smallest = left + 1 < n && Less(_heap[left + 1], _heap[left]) ? left + 1 : left;
            if (!Less(_heap[smallest], _heap[i]))
            {
                break;
            }

            Swap(i, smallest);
            i = smallest;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Swap(int i, int j)
    {
        (_heap[i], _heap[j]) = (_heap[j], _heap[i]);
        _entries[_heap[i].Slot].HeapIndex = i;
        _entries[_heap[j].Slot].HeapIndex = j;
    }
}
