using System.CommandLine.Parsing;
using System.Globalization;

namespace Carillon.Cli.Commands;

/// <summary>
/// Parses <c>--timeout</c>: a bare number is seconds (<c>3</c>, <c>2.5</c>), a number may carry a unit (<c>500ms</c>,
/// <c>30s</c>, <c>2m</c>), and a time span is read as one (<c>00:00:03</c>). A bare number used to be read as
/// days by <see cref="TimeSpan"/>'s own parser, so <c>--timeout 3</c> waited three days (issue 10).
/// </summary>
internal static class DurationParser
{
    public static TimeSpan Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        result.AddError($"--timeout '{text}': expected a positive duration such as 3 (seconds), 500ms, 30s, 2m or 00:00:10");
        return default;
    }

    private static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        (string Number, double Scale) split = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60),
            _ when text.EndsWith('h') || text.EndsWith('H') => (text[..^1], 3600),
            _ => (text, 1),
        };
        if (double.TryParse(split.Number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            var seconds = value * split.Scale;
            if (seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                return false;
            }

            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }
}
