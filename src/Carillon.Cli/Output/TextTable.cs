using System.Globalization;
using System.Text;

namespace Carillon.Cli.Output;

/// <summary>
/// Aligned, readable columns for the terminal. Every cell is made safe first (<see cref="Safe"/>): text read from
/// Kafka can hold control characters, and an escape sequence must not reach the operator's terminal.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string?[] cells) => _rows.Add([.. cells.Select(c => Safe(c ?? "-"))]);

    public void WriteTo(TextWriter writer)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        writer.WriteLine(Line(headers, widths));
        foreach (var row in _rows)
        {
            writer.WriteLine(Line(row, widths));
        }
    }

    /// <summary>Control characters (and the escape character) as <c>\uXXXX</c>, so the text shows what it is.</summary>
    public static string Safe(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return builder.ToString();
    }

    public static string Time(DateTimeOffset? at) => at is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) : "-";

    public static string Duration(TimeSpan d) => d.TotalSeconds < 1
        ? d.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static string Line(string[] cells, int[] widths)
        => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
