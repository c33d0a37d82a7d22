using System.Text.RegularExpressions;

namespace Carillon.CompileTime
{
    /// <summary>Schedule version format: <c>MAJOR.MINOR.PATCH</c> with an optional SemVer <c>-prerelease</c>.</summary>
    internal static class VersionRules
    {
        private static readonly Regex Valid = new Regex(
            @"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\z",
            RegexOptions.CultureInvariant);

        public static bool IsValid(string? version) => version is not null && Valid.IsMatch(version);
    }
}
