using System.Runtime.CompilerServices;

namespace Carillon.Delayed.Index;

/// <summary>
/// Schedule key → arena slot, as open addressing with linear probing over a <c>long[]</c>: each cell holds the key's
/// hash and its slot, so a probe compares hashes in one contiguous array and touches an entry (and its blob) only on a
/// hash match — probing through entries instead made indexing several times slower (a cache miss per probe). Deletion
/// shifts the following cluster back, so there are no tombstone cells.
/// </summary>
internal sealed class KeyTable
{
    private long[] _cells = new long[16]; // (uint)hash << 32 | (slot + 1); 0 = empty
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
        var mask = _cells.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var cell = _cells[i];
            if (cell == 0)
            {
                return -1;
            }

            if (HashOf(cell) == hash && EntryBlob.Key(store.Get(entries[SlotOf(cell)])).SequenceEqual(key))
            {
                return SlotOf(cell);
            }
        }
    }

    public void Add(int slot, int hash)
    {
        // Load factor at most 3/4.
        if ((_count + 1) * 4 > _cells.Length * 3)
        {
            Resize(_cells.Length * 2);
        }

        Insert(Cell(slot, hash));
        _count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Remove(int slot, int hash)
    {
        var mask = _cells.Length - 1;
        var target = Cell(slot, hash);
        var i = hash & mask;
        while (_cells[i] != target)
        {
            i = (i + 1) & mask;
        }

        // Backward-shift deletion: move later members of the cluster into the hole when their home allows it.
        var hole = i;
        for (var j = (hole + 1) & mask; _cells[j] != 0; j = (j + 1) & mask)
        {
            var home = HashOf(_cells[j]) & mask;
            if (((hole - home) & mask) <= ((j - home) & mask))
            {
                _cells[hole] = _cells[j];
                hole = j;
            }
        }

        _cells[hole] = 0;
        _count--;
    }

    /// <summary>Rebuilds the table after the arena was compacted: slot i now holds the entry whose hash is <paramref name="hashes"/>[i].</summary>
    public void Rebuild(ReadOnlySpan<int> hashes)
    {
        var capacity = 16;
        while (hashes.Length * 4 > capacity * 3)
        {
            capacity *= 2;
        }

        _cells = new long[capacity];
        _count = 0;
        for (var slot = 0; slot < hashes.Length; slot++)
        {
            Insert(Cell(slot, hashes[slot]));
            _count++;
        }
    }

    public void Clear()
    {
        _cells = new long[16];
        _count = 0;
    }

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
        var mask = _cells.Length - 1;
        var i = HashOf(cell) & mask;
        while (_cells[i] != 0)
        {
            i = (i + 1) & mask;
        }

        _cells[i] = cell;
    }
}
