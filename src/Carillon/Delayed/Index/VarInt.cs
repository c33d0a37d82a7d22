namespace Carillon.Delayed.Index;

/// <summary>Unsigned 7-bit varints (low group first) for the <see cref="BlobStore"/> record prefix.</summary>
internal static class VarInt
{
    public static int Length(int value)
    {
        var v = (uint)value;
        var length = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            length++;
        }

        return length;
    }

    public static int Write(Span<byte> span, int value)
    {
        var v = (uint)value;
        var i = 0;
        while (v >= 0x80)
        {
            span[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        span[i++] = (byte)v;
        return i;
    }

    public static int Read(ReadOnlySpan<byte> span, ref int pos)
    {
        var result = 0;
        var shift = 0;
        while (true)
        {
            var b = span[pos++];
            result |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }

            shift += 7;
        }
    }
}
