using System.Runtime.InteropServices;

namespace Carillon.Delayed.Index;

/// <summary>
/// One held schedule in the partition's arena: its offset and the address of its record in the partition's
/// <see cref="BlobStore"/>, 16 bytes. Everything else is stored once or derived (issue 14, memory per held message;
/// the bytes are listed in docs/benchmarks-delayed.md):
/// the due time lives only in the schedule's <see cref="HeapNode"/>; the key, target key, user headers, value and
/// original timestamp are packed into the record (<see cref="EntryBlob"/>), with its length and target topic ID in the
/// record's varint prefix; the key's hash is recomputed from the record when it is removed (a few nanoseconds, against
/// 4 bytes per held message); the heap position is not tracked at all, as a removed schedule's heap node is
/// dropped lazily (see <see cref="ScheduleIndex"/>).
/// </summary>
internal struct IndexEntry
{
    public long Offset;

    /// <summary>The record's address in the partition's <see cref="BlobStore"/>; 0 when the slot is dead.</summary>
    public long Address;

    public readonly bool IsLive => Address != 0;
}

/// <summary>
/// A heap node: the due time and the arena slot, 12 bytes (packed to 4-byte alignment, not padded to 16). Slots are
/// in offset order, so (due time, slot) orders as (due time, offset) without reading the entries.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly struct HeapNode(long dueMs, int slot)
{
    public readonly long DueMs = dueMs;
    public readonly int Slot = slot;
}

/// <summary>
/// A record taken out of the index for dispatch. <see cref="Blob"/> is its packed bytes in the store's chunk, not a copy:
/// chunk bytes are never rewritten (see <see cref="BlobStore"/>), so the slice stays valid after the entry is freed.
/// </summary>
internal readonly record struct TakenEntry(long DueMs, long Offset, int TopicId, ReadOnlyMemory<byte> Blob);
