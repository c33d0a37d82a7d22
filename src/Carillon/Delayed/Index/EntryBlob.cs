using Confluent.Kafka;
using Carillon.Delayed.Envelope;

namespace Carillon.Delayed.Index;

/// <summary>
/// Packs a held record into one byte array:
/// <c>[keyLen][targetKeyLen+1][headersLen][due-timestamp][key][targetKey][headers][value]</c> with 7-bit varints (a
/// target key length of 0 means a null key; the original timestamp is stored zigzag-encoded as its distance to the due
/// time, usually 3–5 bytes instead of 8). User headers are encoded as
/// <c>[nameLen][name][valueLen+1][value]</c>, control headers dropped. One array header per message instead of four or more.
/// </summary>
internal static class EntryBlob
{
    public static byte[] Build(ReadOnlySpan<byte> key, byte[]? targetKey, Headers? headers, ReadOnlySpan<byte> value, long timestampDistance = 0)
    {
        byte[]? blob = null;
        var length = Build(ref blob, key, targetKey, headers, value, timestampDistance);
        return blob!.Length == length ? blob : blob[..length];
    }

    /// <summary>Packs into <paramref name="buffer"/> (grown when too small, reusable across calls); returns the length.</summary>
    public static int Build(ref byte[]? buffer, ReadOnlySpan<byte> key, byte[]? targetKey, Headers? headers, ReadOnlySpan<byte> value, long timestampDistance)
    {
        var zigzag = (ulong)((timestampDistance << 1) ^ (timestampDistance >> 63));
        var headersLength = UserHeadersLength(headers);
        var targetKeyCode = targetKey is null ? 0 : targetKey.Length + 1;
        var total = VarLen(key.Length) + VarLen(targetKeyCode) + VarLen(headersLength) + VarLen(zigzag)
            + key.Length + (targetKey?.Length ?? 0) + headersLength + value.Length;
        if (buffer is null || buffer.Length < total)
        {
            buffer = GC.AllocateUninitializedArray<byte>(buffer is null ? total : Math.Max(total, buffer.Length * 2));
        }

        var span = buffer.AsSpan(0, total);
        var pos = 0;
        pos += WriteVar(span[pos..], key.Length);
        pos += WriteVar(span[pos..], targetKeyCode);
        pos += WriteVar(span[pos..], headersLength);
        pos += WriteVar(span[pos..], zigzag);
        key.CopyTo(span[pos..]);
        pos += key.Length;
        if (targetKey is not null)
        {
            targetKey.CopyTo(span[pos..]);
            pos += targetKey.Length;
        }

        if (headers is not null && headersLength > 0)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                var header = headers[i];
                if (ControlHeaders.IsControl(header.Key))
                {
                    continue;
                }

                var nameLength = System.Text.Encoding.UTF8.GetByteCount(header.Key);
                pos += WriteVar(span[pos..], nameLength);
                pos += System.Text.Encoding.UTF8.GetBytes(header.Key, span[pos..]);
                var bytes = header.GetValueBytes();
                pos += WriteVar(span[pos..], bytes is null ? 0 : bytes.Length + 1);
                if (bytes is not null)
                {
                    bytes.CopyTo(span[pos..]);
                    pos += bytes.Length;
                }
            }
        }

        value.CopyTo(span[pos..]);
        return total;
    }

    public static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> blob)
    {
        var pos = 0;
        var keyLength = ReadVar(blob, ref pos);
        _ = ReadVar(blob, ref pos);
        _ = ReadVar(blob, ref pos);
        _ = ReadVarLong(blob, ref pos);
        return blob.Slice(pos, keyLength);
    }

    /// <summary>The due time minus the original record timestamp, as given to <c>Build</c>.</summary>
    public static long TimestampDistance(ReadOnlySpan<byte> blob)
    {
        var pos = 0;
        _ = ReadVar(blob, ref pos);
        _ = ReadVar(blob, ref pos);
        _ = ReadVar(blob, ref pos);
        var zigzag = ReadVarLong(blob, ref pos);
        return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
    }

    /// <summary>Splits a blob into its parts (copies: the target message needs arrays).</summary>
    public static Parts Read(ReadOnlySpan<byte> blob)
    {
        var layout = Layout.Of(blob);
        return new Parts(layout.Key(blob).ToArray(), layout.TargetKey(blob), ReadHeaders(layout.Headers(blob)), layout.Value(blob).ToArray());
    }

    /// <summary>The user headers of a blob's header section, each value copied (Confluent's headers hold arrays).</summary>
    public static Headers ReadHeaders(ReadOnlySpan<byte> section)
    {
        var headers = new Headers();
        AddHeaders(section, headers);
        return headers;
    }

    /// <summary>Adds the user headers of a blob's header section to <paramref name="headers"/>.</summary>
    public static void AddHeaders(ReadOnlySpan<byte> section, Headers headers)
    {
        var pos = 0;
        while (pos < section.Length)
        {
            var nameLength = ReadVar(section, ref pos);
            var name = System.Text.Encoding.UTF8.GetString(section.Slice(pos, nameLength));
            pos += nameLength;
            var valueCode = ReadVar(section, ref pos);
            byte[]? headerValue = null;
            if (valueCode > 0)
            {
                headerValue = section.Slice(pos, valueCode - 1).ToArray();
                pos += valueCode - 1;
            }

            headers.Add(name, headerValue);
        }
    }

    /// <summary>
    /// Where each part of a blob lies, read once from its varint prefix so that the dispatch can take the parts it
    /// needs straight from the store (issue 14: copying the blob out and splitting it into arrays cost a quarter of a
    /// 1 KiB dispatch in GC).
    /// </summary>
    internal readonly struct Layout
    {
        private readonly int _keyStart;
        private readonly int _keyLength;
        private readonly int _targetKeyCode;
        private readonly int _headersLength;

        private Layout(int keyStart, int keyLength, int targetKeyCode, int headersLength)
        {
            _keyStart = keyStart;
            _keyLength = keyLength;
            _targetKeyCode = targetKeyCode;
            _headersLength = headersLength;
        }

        private int TargetKeyStart => _keyStart + _keyLength;

        private int HeadersStart => TargetKeyStart + Math.Max(0, _targetKeyCode - 1);

        private int ValueStart => HeadersStart + _headersLength;

        public bool HasHeaders => _headersLength > 0;

        public static Layout Of(ReadOnlySpan<byte> blob)
        {
            var pos = 0;
            var keyLength = ReadVar(blob, ref pos);
            var targetKeyCode = ReadVar(blob, ref pos);
            var headersLength = ReadVar(blob, ref pos);
            _ = ReadVarLong(blob, ref pos);
            return new Layout(pos, keyLength, targetKeyCode, headersLength);
        }

        public ReadOnlySpan<byte> Key(ReadOnlySpan<byte> blob) => blob.Slice(_keyStart, _keyLength);

        /// <summary>Whether the schedule gave a target key (an empty one included).</summary>
        public bool HasTargetKey => _targetKeyCode != 0;

        /// <summary>The target key's bytes in the blob; empty when there is none (see <see cref="HasTargetKey"/>).</summary>
        public ReadOnlySpan<byte> TargetKeyBytes(ReadOnlySpan<byte> blob) => _targetKeyCode == 0 ? default : blob.Slice(TargetKeyStart, _targetKeyCode - 1);

        /// <summary>A copy of the target key, or null when the schedule gave none.</summary>
        public byte[]? TargetKey(ReadOnlySpan<byte> blob) => _targetKeyCode == 0 ? null : blob.Slice(TargetKeyStart, _targetKeyCode - 1).ToArray();

        public ReadOnlySpan<byte> Headers(ReadOnlySpan<byte> blob) => blob.Slice(HeadersStart, _headersLength);

        public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> blob) => blob[ValueStart..];
    }

    internal readonly record struct Parts(byte[] Key, byte[]? TargetKey, Headers Headers, byte[] Value);

    private static int UserHeadersLength(Headers? headers)
    {
        if (headers is null)
        {
            return 0;
        }

        var length = 0;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            if (ControlHeaders.IsControl(header.Key))
            {
                continue;
            }

            var nameLength = System.Text.Encoding.UTF8.GetByteCount(header.Key);
            var valueLength = header.GetValueBytes()?.Length;
            length += VarLen(nameLength) + nameLength + VarLen(valueLength is null ? 0 : valueLength.Value + 1) + (valueLength ?? 0);
        }

        return length;
    }

    private static int VarLen(int value) => VarInt.Length(value);

    private static int VarLen(ulong v) => VarInt.Length(v);

    private static int WriteVar(Span<byte> span, int value) => VarInt.Write(span, value);

    private static int WriteVar(Span<byte> span, ulong v) => VarInt.Write(span, v);

    private static ulong ReadVarLong(ReadOnlySpan<byte> blob, ref int pos) => VarInt.ReadLong(blob, ref pos);

    private static int ReadVar(ReadOnlySpan<byte> blob, ref int pos) => VarInt.Read(blob, ref pos);
}
