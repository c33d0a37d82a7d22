namespace Carillon.Delayed.Dispatching;

/// <summary>
/// Exact-length copies for <c>Produce</c>, which takes whole arrays and copies them into librdkafka before it returns
/// (<c>RD_KAFKA_MSG_F_COPY</c>), so an array can be written again for the next message (issue 14: the per-message
/// arrays of a 1 KiB dispatch). A workload's keys, values and digits come in a few lengths: an array of each of the
/// last <c>slots</c> lengths up to <c>maxLength</c> bytes is kept and reused. Not thread safe.
/// </summary>
internal sealed class ReusedArrays(int slots, int maxLength)
{
    private readonly byte[]?[] _kept = new byte[slots][];
    private int _next;

    /// <summary>
    /// A copy of <paramref name="source"/>, valid until the next call on this instance: the next copy of the same length
    /// overwrites it. An empty source gives a shared empty array.
    /// </summary>
    public byte[] Copy(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty)
        {
            return [];
        }

        byte[]? array = null;
        if (source.Length <= maxLength)
        {
            foreach (var kept in _kept)
            {
                if (kept is not null && kept.Length == source.Length)
                {
                    array = kept;
                    break;
                }
            }

            if (array is null)
            {
                array = GC.AllocateUninitializedArray<byte>(source.Length);
                _kept[_next] = array;
                _next = (_next + 1) % _kept.Length;
            }
        }
        else
        {
            array = GC.AllocateUninitializedArray<byte>(source.Length);
        }

        source.CopyTo(array);
        return array;
    }
}
