using System.Runtime.CompilerServices;

namespace Carillon.Delayed.Index;

/// <summary>
/// The held schedules of one partition: a min-heap by (due time, offset) for dispatch, an open-addressing key table
/// for replace and cancel, and an arena of entries in offset order whose first live slot is the oldest held offset
/// (the commit position). Dispatch, replace and cancel are O(log n); dead slots are compacted away in O(n) when they
/// outnumber live ones, which keeps that amortized O(1). Not thread-safe: the owner serializes access.
/// <para>
/// A removed schedule's heap node is not taken out of the heap at once: it stays, pointing at a dead slot, until it
/// reaches the top (then it is popped) or the arena is compacted (then the heap is rebuilt from its live nodes). So an
/// entry needs no heap position, and a sift moves heap nodes only. The top of the heap is always live. Slots are not
/// reused while a dead node may point at them: only after a compaction (which rebuilds the heap) or when the index is
/// empty (which empties the heap).
/// </para>
/// The dispatch-side methods are compiled fully optimized from their first call: a backlog falling due at once runs
/// them hundreds of thousands of times within a second or two, before tiered compilation promotes them (figures:
/// docs/benchmarks-delayed.md, "Figures behind code choices").
/// </summary>
internal sealed class ScheduleIndex
{
    private const int MinCapacity = 16;

    private IndexEntry[] _entries = new IndexEntry[MinCapacity];
    private int _head;   // first slot that may be live
    private int _tail;   // next free slot
    private int _count;  // live slots
    private HeapNode[] _heap = new HeapNode[MinCapacity];
    private int _heapCount; // heap nodes, live and dead
    private readonly KeyTable _keys = new();
    private BlobStore _blobs = new();

    /// <summary>Bytes of blob storage held (for diagnostics and the memory benchmark).</summary>
    public long BlobBytes => _blobs.AllocatedBytes;

    public int Count => _count;

    /// <summary>Offset of the oldest held record, or null when none is held.</summary>
    public long? OldestOffset => _count == 0 ? null : _entries[_head].Offset;

    public long? NextDueMs => _count == 0 ? null : _heap[0].DueMs;

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
        var hash = KeyTable.Hash(EntryBlob.Key(blob));
        var replaced = false;
        var existing = _keys.Find(_entries, _blobs, EntryBlob.Key(blob), hash);
        if (existing >= 0)
        {
            RemoveSlot(existing, hash);
            replaced = true;
        }

        if (_tail == _entries.Length)
        {
            MakeRoom();
        }

        var slot = _tail++;
        _entries[slot] = new IndexEntry { Offset = offset, Address = _blobs.Add(blob, topicId) };
        _count++;
        _keys.Add(slot, hash);
        HeapPush(new HeapNode(dueMs, slot));
        return replaced;
    }

    /// <summary>Removes the key's record when its offset is below <paramref name="beforeOffset"/> (a cancel).</summary>
    public bool RemoveBefore(ReadOnlySpan<byte> key, long beforeOffset)
    {
        var hash = KeyTable.Hash(key);
        var slot = _keys.Find(_entries, _blobs, key, hash);
        if (slot < 0 || _entries[slot].Offset >= beforeOffset)
        {
            return false;
        }

        RemoveSlot(slot, hash);
        return true;
    }

    /// <summary>Removes the key's record only when it is the one at <paramref name="offset"/> (a dispatch tombstone).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool RemoveExact(ReadOnlySpan<byte> key, long offset)
    {
        var hash = KeyTable.Hash(key);
        var slot = _keys.Find(_entries, _blobs, key, hash);
        if (slot < 0 || _entries[slot].Offset != offset)
        {
            return false;
        }

        RemoveSlot(slot, hash);
        return true;
    }

    /// <summary>Takes the earliest record when it is due at or before <paramref name="nowMs"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryTakeDue(long nowMs, out TakenEntry entry)
    {
        if (_count == 0 || _heap[0].DueMs > nowMs)
        {
            entry = default;
            return false;
        }

        var top = _heap[0];
        var blob = _blobs.Memory(_entries[top.Slot].Address, out var topicId);
        entry = new TakenEntry(top.DueMs, _entries[top.Slot].Offset, topicId, blob);
        RemoveSlot(top.Slot, KeyTable.Hash(EntryBlob.Key(blob.Span)));
        return true;
    }

    /// <summary>
    /// Gives back the growth slack once a load is complete (arrays grown while loading), so that a loaded partition
    /// holds about what it needs.
    /// </summary>
    public void Trim()
    {
        var needed = Math.Max(MinCapacity, _count + (_count / 16));
        if (_entries.Length > needed + (needed / 8))
        {
            Compact(needed);
            if (_heap.Length > needed)
            {
                _heap = _heap.AsSpan(0, needed).ToArray();
            }
        }

        _keys.Trim();
        _blobs.TrimTail();
    }

    public void Clear()
    {
        _entries = new IndexEntry[MinCapacity];
        _heap = new HeapNode[MinCapacity];
        _head = _tail = _count = _heapCount = 0;
        _keys.Clear();
        _blobs = new BlobStore();
    }

    /// <summary>
    /// The next capacity of a growing array: doubling while small, then half as much again, so that a large partition
    /// carries at most a third of its arrays as slack while it grows (issue 14).
    /// </summary>
    internal static int Grow(int length) => length < 4096 ? length * 2 : (int)Math.Min(Array.MaxLength, length + (length / 2L));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RemoveSlot(int slot, int hash)
    {
        _keys.Remove(slot, hash);
        _blobs.Free(_entries[slot].Address);
        _entries[slot] = default;
        if (--_count == 0)
        {
            // Every heap node is dead: empty the heap, and slots may be reused from 0.
            _head = _tail = _heapCount = 0;
            return;
        }

        while (!_entries[_head].IsLive)
        {
            _head++;
        }

        // Keep the top live (NextDueMs, TryTakeDue read it); dead nodes below it wait.
        while (!_entries[_heap[0].Slot].IsLive)
        {
            HeapPop();
        }
    }

    // The arena is full: compact when at least half of it is dead, otherwise grow.
    private void MakeRoom()
    {
        if (_head == 0 && _count == _tail)
        {
            // No dead slots: slots keep their numbers, so the heap and key table stay valid.
            Array.Resize(ref _entries, Grow(_entries.Length));
            return;
        }

        Compact(_count <= _entries.Length / 2 ? _entries.Length : Grow(_entries.Length));
    }

    private void Compact(int capacity)
    {
        var entries = new IndexEntry[capacity];
        // Not pooled: a pool would keep an array per applying thread alive, which the memory per held message counts.
        var newSlots = new int[_tail];
        var n = 0;
        for (var i = _head; i < _tail; i++)
        {
            if (_entries[i].IsLive)
            {
                newSlots[i] = n;
                entries[n++] = _entries[i];
            }
        }

        // The live heap nodes, renumbered (in the same order, so (due, slot) still orders as (due, offset)), then
        // re-heaped in O(n).
        var live = 0;
        for (var i = 0; i < _heapCount; i++)
        {
            var node = _heap[i];
            if (_entries[node.Slot].IsLive)
            {
                _heap[live++] = new HeapNode(node.DueMs, newSlots[node.Slot]);
            }
        }

        _heapCount = live;
        if (_heap.Length < capacity)
        {
            Array.Resize(ref _heap, capacity);
        }

        for (var i = (live / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }

        _entries = entries;
        _head = 0;
        _tail = n;
        if (_blobs.Fragmented)
        {
            // Copy the live records, in offset order, into fresh chunks; the old chunks go with the old store.
            var blobs = new BlobStore();
            for (var i = 0; i < n; i++)
            {
                entries[i].Address = blobs.CopyFrom(_blobs, entries[i].Address);
            }

            _blobs = blobs;
        }

        _keys.Reset(n);
        for (var i = 0; i < n; i++)
        {
            _keys.Add(i, KeyTable.Hash(EntryBlob.Key(_blobs.Get(entries[i].Address))));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in HeapNode a, in HeapNode b) => a.DueMs < b.DueMs || (a.DueMs == b.DueMs && a.Slot < b.Slot);

    private void HeapPush(HeapNode node)
    {
        if (_heapCount == _heap.Length)
        {
            Array.Resize(ref _heap, Grow(_heap.Length));
        }

        var i = _heapCount++;
        _heap[i] = node;
        SiftUp(i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void HeapPop()
    {
        var last = --_heapCount;
        if (last > 0)
        {
            _heap[0] = _heap[last];
            SiftDown(0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftUp(int i)
    {
        var heap = _heap;
        var node = heap[i];
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Less(node, heap[parent]))
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = node;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftDown(int i)
    {
        var heap = _heap;
        var n = _heapCount;
        var node = heap[i];
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= n)
            {
                break;
            }

            if (child + 1 < n && Less(heap[child + 1], heap[child]))
            {
                child++;
            }

            if (!Less(heap[child], node))
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = node;
    }
}
