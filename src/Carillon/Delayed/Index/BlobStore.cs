namespace Carillon.Delayed.Index;

/// <summary>
/// Holds the packed records of one partition in large chunks instead of one array per message: a byte array costs
/// 24 bytes of header plus alignment, more than a third of the per-message budget, and a million small arrays also make
/// every full GC walk a million objects. Records are appended; a chunk is released when its last record is freed, and
/// <see cref="ScheduleIndex"/> re-packs the store when freed space dominates.
/// <para>
/// Each record is <c>[blob length][topic ID][blob]</c> with 7-bit varints (usually 2 bytes of prefix), addressed by one
/// <c>long</c>: the entry keeps 8 bytes where a chunk number, position, length and topic ID took 16 (issue 14, memory
/// per held message; docs/benchmarks-delayed.md).
/// </para>
/// <para>
/// Bytes once written are never rewritten: records are only appended, a freed chunk is dropped rather than reused, a
/// trim or a re-pack copies into new arrays. So <see cref="Memory"/> can hand a taken record's bytes to the dispatch
/// without a copy: the slice keeps its chunk alive until the dispatch is done with it (issue 14).
/// </para>
/// </summary>
internal sealed class BlobStore
{
    internal const int ChunkSize = 1 << PositionBits;

    // An address is (chunk number + 1) << PositionBits | position: never 0, so 0 can mean "no record".
    private const int PositionBits = 18;

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

    /// <summary>Copies <paramref name="blob"/> in with its target topic ID; returns its address (never 0).</summary>
    public long Add(ReadOnlySpan<byte> blob, int topicId)
    {
        var size = VarInt.Length(blob.Length) + VarInt.Length(topicId) + blob.Length;
        var (chunk, position) = Reserve(size);
        var span = _chunks[chunk].AsSpan(position, size);
        var pos = VarInt.Write(span, blob.Length);
        pos += VarInt.Write(span[pos..], topicId);
        blob.CopyTo(span[pos..]);
        return Address(chunk, position);
    }

    /// <summary>Shrinks the chunk being filled to its used part (after a load); the next record starts a new chunk.</summary>
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

    /// <summary>The packed record (<see cref="EntryBlob"/>) at <paramref name="address"/>.</summary>
    public ReadOnlySpan<byte> Get(long address)
    {
        var record = Locate(address);
        return record.Chunk.AsSpan(record.BlobStart, record.BlobLength);
    }

    /// <summary>The record's bytes in their chunk, valid after the record is freed (bytes are never rewritten).</summary>
    public ReadOnlyMemory<byte> Memory(long address, out int topicId)
    {
        var record = Locate(address);
        topicId = record.TopicId;
        return record.Chunk.AsMemory(record.BlobStart, record.BlobLength);
    }

    public void Free(long address)
    {
        var record = Locate(address);
        var chunk = ChunkOf(address);
        LiveBytes -= record.Size;
        if ((_liveBytes[chunk] -= record.Size) == 0 && chunk != _current)
        {
            AllocatedBytes -= record.Chunk.Length;
            _chunks[chunk] = null;
            _freeChunks.Push(chunk);
        }
    }

    /// <summary>Copies the record at <paramref name="address"/> of <paramref name="source"/> in; returns its new address.</summary>
    public long CopyFrom(BlobStore source, long address)
    {
        var record = source.Locate(address);
        var (chunk, position) = Reserve(record.Size);
        record.Chunk.AsSpan(record.Start, record.Size).CopyTo(_chunks[chunk].AsSpan(position));
        return Address(chunk, position);
    }

    private static long Address(int chunk, int position) => ((long)(chunk + 1) << PositionBits) | (uint)position;

    private static int ChunkOf(long address) => (int)(address >> PositionBits) - 1;

    private Record Locate(long address)
    {
        var chunk = _chunks[ChunkOf(address)]!;
        var start = (int)(address & (ChunkSize - 1));
        var pos = start;
        var blobLength = VarInt.Read(chunk, ref pos);
        var topicId = VarInt.Read(chunk, ref pos);
        return new Record(chunk, start, pos, blobLength, topicId);
    }

    /// <summary>Room for <paramref name="size"/> bytes, counted as live: the chunk's index and the position in it.</summary>
    private (int Chunk, int Position) Reserve(int size)
    {
        int chunk;
        int position;
        if (size > ChunkSize / 8)
        {
            // A large message gets a chunk of its own: no tail waste, released as soon as it is dispatched.
            chunk = NewChunk(size);
            position = 0;
        }
        else
        {
            if (_current < 0 || _used + size > ChunkSize)
            {
                _current = NewChunk(ChunkSize);
                _used = 0;
            }

            chunk = _current;
            position = _used;
            _used += size;
        }

        _liveBytes[chunk] += size;
        LiveBytes += size;
        return (chunk, position);
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

    private readonly record struct Record(byte[] Chunk, int Start, int BlobStart, int BlobLength, int TopicId)
    {
        public int Size => BlobStart - Start + BlobLength;
    }
}
