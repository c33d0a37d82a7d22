namespace Carillon.Delayed.Index;

/// <summary>
/// Unsigned 7-bit varints (low group first): the one encoding of lengths and numbers inside the index's packed records
/// (<see cref="EntryBlob"/>) and of the <see cref="BlobStore"/> record prefix.
/// </summary>
internal static class VarInt
{
    public static int Length(int value) => Length((ulong)(uint)value);

    public static int Length(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    public static int Write(Span<byte> span, int value) => Write(span, (ulong)(uint)value);

    public static int Write(Span<byte> span, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        return i;
    }

    public static int Read(ReadOnlySpan<byte> span, ref int pos) => (int)ReadLong(span, ref pos);

    public static ulong ReadLong(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            var b = span[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }

            shift += 7;
        }
    }
}
