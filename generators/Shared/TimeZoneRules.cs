using System;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Carillon.CompileTime
{
    /// <summary>
    /// Time-zone IDs: IANA or Windows. The compiler host decides what it can check: a .NET (Core) host with ICU
    /// resolves both naming schemes through <see cref="TimeZoneInfo.FindSystemTimeZoneById"/>; a host that knows only
    /// one scheme is helped by <c>TryConvertIanaIdToWindowsId</c>/<c>TryConvertWindowsIdToIanaId</c> (found by
    /// reflection: netstandard2.0 does not expose them). A host that cannot check IANA IDs at all (.NET Framework
    /// inside Visual Studio) accepts any IANA-shaped ID rather than warn falsely; one without any time-zone data
    /// accepts everything. CRL007 is a warning for that reason: the runtime (.NET 10) is the final judge.
    /// </summary>
    internal static class TimeZoneRules
    {
        private delegate bool Converter(string id, out string converted);

        private static readonly Converter? IanaToWindows = FindConverter("TryConvertIanaIdToWindowsId");
        private static readonly Converter? WindowsToIana = FindConverter("TryConvertWindowsIdToIanaId");
        private static readonly Regex IanaShape = new Regex(@"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)+\z", RegexOptions.CultureInvariant);
        private static readonly Lazy<bool> HostHasTimeZones = new Lazy<bool>(() => TryFind("UTC") || TimeZoneInfo.GetSystemTimeZones().Count > 1);
        private static readonly Lazy<bool> HostKnowsIana = new Lazy<bool>(() => TryFind("America/New_York") || TryFind("Europe/London"));

        public static bool IsKnown(string? id)
        {
            if (id is null || id.Trim().Length == 0 || id.Trim() != id)
            {
                return false;
            }

            if (id == "UTC" || id == "Etc/UTC" || TryFind(id))
            {
                return true;
            }

            if (IanaToWindows is not null && IanaToWindows(id, out var windows) && TryFind(windows))
            {
                return true;
            }

            if (WindowsToIana is not null && WindowsToIana(id, out var iana) && TryFind(iana))
            {
                return true;
            }

            if (!HostHasTimeZones.Value)
            {
                return true;
            }

            return !HostKnowsIana.Value && IanaToWindows is null && IanaShape.IsMatch(id);
        }

        private static bool TryFind(string id)
        {
            try
            {
                TimeZoneInfo.FindSystemTimeZoneById(id);
                return true;
            }
            catch (Exception e) when (e is TimeZoneNotFoundException || e is InvalidTimeZoneException || e is ArgumentException || e is System.Security.SecurityException)
            {
                return false;
            }
        }

        private static Converter? FindConverter(string name)
        {
            var method = typeof(TimeZoneInfo).GetMethod(
                name,
                BindingFlags.Public | BindingFlags.Static,
                binder: null,
                types: new[] { typeof(string), typeof(string).MakeByRefType() },
                modifiers: null);
            if (method is null)
            {
                return null;
            }

            return (string id, out string converted) =>
            {
                var args = new object?[] { id, null };
                var ok = (bool)method.Invoke(null, args)!;
                converted = args[1] as string ?? string.Empty;
                return ok && converted.Length > 0;
            };
        }
    }
}
