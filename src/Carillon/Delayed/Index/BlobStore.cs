namespace Carillon.Delayed.Index;

/// <summary>
/// Holds the packed records of one partition in large chunks instead of one array per message: a byte array costs
/// 24 bytes of header plus alignment, more than a third of the per-message budget, and a million small arrays also make
/// every full GC walk a million objects. Blobs are appended; a chunk is released when its last blob is freed, and
/// <see cref="ScheduleIndex"/> re-packs the store when freed space dominates.
/// <para>
/// Bytes once written are never rewritten: blobs are only appended, a freed chunk is dropped rather than reused, a trim
/// or a re-pack copies into new arrays. So <see cref="Memory"/> can hand a taken record's bytes to the dispatch without
/// a copy: the slice keeps its chunk alive until the dispatch is done with it (issue 14).
/// </para>
/// </summary>
internal sealed class BlobStore
{
    internal const int ChunkSize = 256 * 1024;

    private readonly List<byte[]?> _chunks = [];
    private readonly List<int> _liveBytes = [];
    private readonly Stack<int> _freeChunks = new();
    private int _current = -1;
    private int _used;

    /// <summary>Bytes of the chunks held (live, freed and unused tails).</summary>
    public long AllocatedBytes { get; private set; }

    public long LiveBytes { get; private set; }

    /// <summary>Freed space is more than the live data (plus one chunk of slack): time to re-pack.</summary>
    public bool Fragmented => AllocatedBytes > (2 * LiveBytes) + ChunkSize;

    /// <summary>Copies <paramref name="blob"/> in; returns the 1-based chunk number and the position in it.</summary>
    public (int Chunk, int Position) Add(ReadOnlySpan<byte> blob)
    {
        int chunk;
        int position;
        if (blob.Length > ChunkSize / 8)
        {
            // A large message gets a chunk of its own: no tail waste, released as soon as it is dispatched.
            chunk = NewChunk(blob.Length);
            position = 0;
        }
        else
        {
            if (_current < 0 || _used + blob.Length > ChunkSize)
            {
                _current = NewChunk(ChunkSize);
                _used = 0;
            }

            chunk = _current;
            position = _used;
            _used += blob.Length;
        }

        blob.CopyTo(_chunks[chunk].AsSpan(position));
        _liveBytes[chunk] += blob.Length;
        LiveBytes += blob.Length;
        return (chunk + 1, position);
    }

    /// <summary>Shrinks the chunk being filled to its used part (after a load); the next blob starts a new chunk.</summary>
    public void TrimTail()
    {
        if (_current >= 0 && _used < ChunkSize)
        {
            var chunk = _chunks[_current]!;
            AllocatedBytes -= chunk.Length - _used;
            Array.Resize(ref chunk, _used);
            _chunks[_current] = chunk;
            if (_liveBytes[_current] == 0)
            {
                AllocatedBytes -= _used;
                _chunks[_current] = null;
                _freeChunks.Push(_current);
            }

            _current = -1;
        }
    }

    public ReadOnlySpan<byte> Get(in IndexEntry entry) => _chunks[entry.Chunk - 1].AsSpan(entry.Position, entry.Length);

    /// <summary>The entry's bytes in their chunk, valid after the entry is freed (bytes are never rewritten).</summary>
    public ReadOnlyMemory<byte> Memory(in IndexEntry entry) => _chunks[entry.Chunk - 1].AsMemory(entry.Position, entry.Length);

    public void Free(in IndexEntry entry)
    {
        var chunk = entry.Chunk - 1;
        LiveBytes -= entry.Length;
        if ((_liveBytes[chunk] -= entry.Length) == 0 && chunk != _current)
        {
            AllocatedBytes -= _chunks[chunk]!.Length;
            _chunks[chunk] = null;
            _freeChunks.Push(chunk);
        }
    }

    private int NewChunk(int size)
    {
        var chunk = new byte[size];
        AllocatedBytes += size;
        if (_freeChunks.TryPop(out var index))
        {
            _chunks[index] = chunk;
            _liveBytes[index] = 0;
            return index;
        }

        _chunks.Add(chunk);
        _liveBytes.Add(0);
        return _chunks.Count - 1;
    }
}
