using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// <c>MAJOR.MINOR.PATCH[-prerelease][+build]</c> compared by SemVer 2.0 precedence (a pre-release sorts before its
/// release; build metadata is ignored). Unparseable versions compare as 0.0.0 so that a bad record never crashes.
/// </summary>
internal readonly record struct SemanticVersion(int Major, int Minor, int Patch, string PreRelease) : IComparable<SemanticVersion>
{
    public static readonly SemanticVersion Zero = new(0, 0, 0, string.Empty);

    public static SemanticVersion ParseOrZero(string? text) => TryParse(text, out var v) ? v : Zero;

    public static bool TryParse(string? text, [NotNullWhen(true)] out SemanticVersion version)
    {
        version = Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var core = text.Trim();
        var plus = core.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            core = core[..plus];
        }

        var pre = string.Empty;
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            pre = core[(dash + 1)..];
            core = core[..dash];
        }

        var parts = core.Split('.');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var patch))
        {
            return false;
        }

        version = new SemanticVersion(major, minor, patch, pre);
        return true;
    }

    public static int Compare(string? left, string? right) => ParseOrZero(left).CompareTo(ParseOrZero(right));

    public int CompareTo(SemanticVersion other)
    {
        var c = Major.CompareTo(other.Major);
        if (c == 0) { c = Minor.CompareTo(other.Minor); }
        if (c == 0) { c = Patch.CompareTo(other.Patch); }
        if (c != 0) { return c; }

        // A release outranks any of its pre-releases.
        if (PreRelease.Length == 0 || other.PreRelease.Length == 0)
        {
            return (PreRelease.Length == 0, other.PreRelease.Length == 0) switch { (true, true) => 0, (true, false) => 1, _ => -1 };
        }

        var a = PreRelease.Split('.');
        var b = other.PreRelease.Split('.');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var aNum = int.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out var x);
            var bNum = int.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out var y);
            c = (aNum, bNum) switch
            {
                (true, true) => x.CompareTo(y),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(a[i], b[i]),
            };
            if (c != 0) { return c; }
        }

        return a.Length.CompareTo(b.Length);
    }

    public override string ToString() => PreRelease.Length == 0 ? $"{Major}.{Minor}.{Patch}" : $"{Major}.{Minor}.{Patch}-{PreRelease}";
}
