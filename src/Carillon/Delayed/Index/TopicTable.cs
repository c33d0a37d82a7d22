using System.Text;

namespace Carillon.Delayed.Index;

/// <summary>
/// Interns target topic names per partition: a held entry stores a 4-byte ID, and reading the topic header of a
/// record allocates no string once the topic is known (lookup by the decoded chars on the stack).
/// </summary>
internal sealed class TopicTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    public int Intern(ReadOnlySpan<byte> utf8)
    {
        // Topic names are ASCII of at most 249 bytes (validated before), so one char per byte fits on the stack.
        Span<char> chars = stackalloc char[utf8.Length];
        var length = Encoding.ASCII.GetChars(utf8, chars);
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..length], out var id))
        {
            return id;
        }

        var name = new string(chars[..length]);
        id = _names.Count;
        _names.Add(name);
        _ids.Add(name, id);
        return id;
    }

    public string this[int id] => _names[id];
}
