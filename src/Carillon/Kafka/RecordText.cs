using System.Text;

namespace Carillon.Kafka;

/// <summary>
/// Makes text taken from a Kafka record safe to log: control characters (newlines, NUL, escape sequences) are escaped
/// and the length is capped, so a bad record can neither forge log lines nor flood them (issue 8).
/// </summary>
internal static class RecordText
{
    /// <summary>The most characters of one record field that reach a log line.</summary>
    public const int MaxLength = 200;

    public static string Printable(string? value, int maxLength = MaxLength)
    {
        if (value is null)
        {
            return "<null>";
        }

        var clean = true;
        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                clean = false;
                break;
            }
        }

        if (clean && value.Length <= maxLength)
        {
            return value;
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 32);
        var i = 0;
        for (; i < value.Length && builder.Length < maxLength; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                builder.Append(c switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => $"\\u{(int)c:x4}",
                });
            }
            else
            {
                builder.Append(c);
            }
        }

        if (i < value.Length)
        {
            builder.Append("…(").Append(value.Length).Append(" chars)");
        }

        return builder.ToString();
    }

    /// <summary>Bytes of a record (key, header) as printable text: UTF-8 where valid, escaped and capped.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int maxLength = MaxLength)
    {
        var take = bytes.Length > maxLength * 4 ? bytes[..(maxLength * 4)] : bytes;
        var text = Printable(Encoding.UTF8.GetString(take), maxLength);
        return take.Length < bytes.Length && !text.EndsWith(" chars)", StringComparison.Ordinal) ? $"{text}…({bytes.Length} bytes)" : text;
    }
}
