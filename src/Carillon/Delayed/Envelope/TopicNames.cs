namespace Carillon.Delayed.Envelope;

/// <summary>Kafka's topic-name rule: 1–249 of <c>[a-zA-Z0-9._-]</c>, and not <c>.</c> or <c>..</c>.</summary>
internal static class TopicNames
{
    public const int MaxLength = 249;

    public static bool IsValid(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 0 or > MaxLength)
        {
            return false;
        }

        if (utf8.Length <= 2 && !utf8.ContainsAnyExcept((byte)'.'))
        {
            return false;
        }

        foreach (var b in utf8)
        {
            var legal = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'.' or (byte)'_' or (byte)'-';
            if (!legal)
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsValid(string topic)
        => topic.Length is > 0 and <= MaxLength && IsValid(System.Text.Encoding.UTF8.GetBytes(topic));
}
