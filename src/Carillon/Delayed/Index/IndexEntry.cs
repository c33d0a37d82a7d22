namespace Carillon.Delayed.Index;

/// <summary>
/// One held schedule, kept as a struct in an array so that a held message costs its payload plus a few dozen bytes:
/// the key, target key, user headers and value are packed together (<see cref="EntryBlob"/>) into a shared chunk of the
/// partition's <see cref="BlobStore"/>, and the target topic is
/// an ID into a per-partition table instead of a string per entry. The original timestamp, needed only at dispatch,
/// lives in the blob as a varint distance from the due time; the key's hash is kept here (and in the key table's cell) so
/// that removal and compaction never re-hash keys.
/// </summary>
internal struct IndexEntry
{
    public long DueMs;
    public long Offset;
    /// <summary>1-based chunk of the packed record in the partition's <see cref="BlobStore"/>; 0 when the slot is dead.</summary>
    public int Chunk;
    public int Position;
    public int Length;
    public int TopicId;
    public int KeyHash;

    /// <summary>Position in the due-time heap; -1 when the slot is dead.</summary>
    internal int HeapIndex;

    public readonly bool IsLive => Chunk != 0;
}

/// <summary>
/// A record taken out of the index for dispatch. <see cref="Blob"/> is its packed bytes in the store's chunk, not a copy:
/// chunk bytes are never rewritten (see <see cref="BlobStore"/>), so the slice stays valid after the entry is freed.
/// </summary>
internal readonly record struct TakenEntry(long DueMs, long Offset, int TopicId, ReadOnlyMemory<byte> Blob);
