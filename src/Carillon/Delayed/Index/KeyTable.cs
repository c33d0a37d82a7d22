namespace Carillon.Delayed.Index;

/// <summary>
/// Schedule key → arena slot, as open addressing with linear probing over an <c>int[]</c> (4 bytes a cell instead of
/// a dictionary entry and a key string per message). Keys are compared against the bytes in the entries' blobs;
/// deletion shifts the following cluster back, so there are no tombstone cells.
/// </summary>
internal sealed class KeyTable
{
    private int[] _cells = new int[16]; // slot + 1; 0 = empty
    private int _count;

    public static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    private static int HashOf(IndexEntry[] entries, int slot) => entries[slot].KeyHash;

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

            ref var entry = ref entries[cell - 1];
            if (entry.KeyHash == hash && EntryBlob.Key(store.Get(entry)).SequenceEqual(key))
            {
                return cell - 1;
            }
        }
    }

    public void Add(IndexEntry[] entries, int slot, int hash)
    {
        // Load factor at most 3/4.
        if ((_count + 1) * 4 > _cells.Length * 3)
        {
            Resize(entries, _cells.Length * 2);
        }

        Insert(slot, hash);
        _count++;
    }

    public void Remove(IndexEntry[] entries, int slot)
    {
        var mask = _cells.Length - 1;
        var i = HashOf(entries, slot) & mask;
        while (_cells[i] != slot + 1)
        {
            i = (i + 1) & mask;
        }

        // Backward-shift deletion: move later members of the cluster into the hole when their home allows it.
        var hole = i;
        for (var j = (hole + 1) & mask; _cells[j] != 0; j = (j + 1) & mask)
        {
            var home = HashOf(entries, _cells[j] - 1) & mask;
            var distanceToJ = (j - home) & mask;
            var distanceToHole = (hole - home) & mask;
            if (distanceToHole <= distanceToJ)
            {
                _cells[hole] = _cells[j];
                hole = j;
            }
        }

        _cells[hole] = 0;
        _count--;
    }

    public void Rebuild(IndexEntry[] entries, int liveSlots)
    {
        var capacity = 16;
        while (liveSlots * 4 > capacity * 3)
        {
            capacity *= 2;
        }

        _cells = new int[capacity];
        _count = 0;
        for (var slot = 0; slot < liveSlots; slot++)
        {
            Insert(slot, HashOf(entries, slot));
            _count++;
        }
    }

    public void Clear()
    {
        _cells = new int[16];
        _count = 0;
    }

    private void Resize(IndexEntry[] entries, int capacity)
    {
        var old = _cells;
        _cells = new int[capacity];
        foreach (var cell in old)
        {
            if (cell != 0)
            {
                Insert(cell - 1, HashOf(entries, cell - 1));
            }
        }
    }

    private void Insert(int slot, int hash)
    {
        var mask = _cells.Length - 1;
        var i = hash & mask;
        while (_cells[i] != 0)
        {
            i = (i + 1) & mask;
        }

        _cells[i] = slot + 1;
    }
}
