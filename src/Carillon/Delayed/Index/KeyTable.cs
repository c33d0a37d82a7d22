using System.Runtime.CompilerServices;

namespace Carillon.Delayed.Index;

/// <summary>
/// Schedule key → arena slot, as open addressing with linear probing over a <c>long[]</c>: each cell holds the key's
/// hash and its slot, so a probe compares hashes in one contiguous array and touches an entry (and its record) only on
/// a hash match — probing through entries instead made indexing several times slower (a cache miss per probe). Deletion
/// shifts the following cluster back, so there are no tombstone cells.
/// <para>
/// The capacity is any size, not a power of two (a cell's home is the hash scaled to the capacity), so that a trimmed
/// table holds 8 / 0.7 ≈ 11.4 bytes per key instead of anywhere between 10.7 and 21.3 (issue 14). Load is kept between
/// 1/2 and 3/4 while growing.
/// </para>
/// </summary>
internal sealed class KeyTable
{
    private const int MinCapacity = 16;

    private long[] _cells = new long[MinCapacity]; // (uint)hash << 32 | (slot + 1); 0 = empty
    private int _count;

    public static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(IndexEntry[] entries, BlobStore store, ReadOnlySpan<byte> key, int hash)
    {
        var cells = _cells;
        for (var i = Home(hash, cells.Length); ; i = Next(i, cells.Length))
        {
            var cell = cells[i];
            if (cell == 0)
            {
                return -1;
            }

            if (HashOf(cell) == hash && EntryBlob.Key(store.Get(entries[SlotOf(cell)].Address)).SequenceEqual(key))
            {
                return SlotOf(cell);
            }
        }
    }

    public void Add(int slot, int hash)
    {
        if ((_count + 1) * 4L > _cells.Length * 3L)
        {
            Resize(_cells.Length + (_cells.Length / 2));
        }

        Insert(Cell(slot, hash));
        _count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Remove(int slot, int hash)
    {
        var cells = _cells;
        var length = cells.Length;
        var target = Cell(slot, hash);
        var i = Home(hash, length);
        while (cells[i] != target)
        {
            i = Next(i, length);
        }

        // Backward-shift deletion: move later members of the cluster into the hole when their home allows it (the hole
        // lies cyclically between their home and where they sit).
        var hole = i;
        for (var j = Next(hole, length); cells[j] != 0; j = Next(j, length))
        {
            var home = Home(HashOf(cells[j]), length);
            if (Distance(home, hole, length) <= Distance(home, j, length))
            {
                cells[hole] = cells[j];
                hole = j;
            }
        }

        cells[hole] = 0;
        _count--;
    }

    /// <summary>Empties the table and sizes it for <paramref name="count"/> keys at load 0.7 (the arena was compacted).</summary>
    public void Reset(int count)
    {
        _cells = new long[TrimmedCapacity(count)];
        _count = 0;
    }

    /// <summary>Gives back growth slack (after a load): the table is re-made at load 0.7 when it is well below that.</summary>
    public void Trim()
    {
        var capacity = TrimmedCapacity(_count);
        if (_cells.Length > capacity + (capacity / 8))
        {
            Resize(capacity);
        }
    }

    public void Clear()
    {
        _cells = new long[MinCapacity];
        _count = 0;
    }

    private static int TrimmedCapacity(int count) => (int)Math.Max(MinCapacity, (count * 10L / 7) + 1);

    // The hash scaled to [0, length): uses the hash's high bits, any length works.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Home(int hash, int length) => (int)(((ulong)(uint)hash * (ulong)(uint)length) >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Next(int i, int length) => ++i == length ? 0 : i;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Distance(int from, int to, int length) => to >= from ? to - from : to - from + length;

    private static long Cell(int slot, int hash) => ((long)(uint)hash << 32) | (uint)(slot + 1);

    private static int HashOf(long cell) => (int)(cell >>> 32);

    private static int SlotOf(long cell) => (int)(uint)cell - 1;

    private void Resize(int capacity)
    {
        var old = _cells;
        _cells = new long[capacity];
        foreach (var cell in old)
        {
            if (cell != 0)
            {
                Insert(cell);
            }
        }
    }

    private void Insert(long cell)
    {
        var cells = _cells;
        var i = Home(HashOf(cell), cells.Length);
        while (cells[i] != 0)
        {
            i = Next(i, cells.Length);
        }

        cells[i] = cell;
    }
}
