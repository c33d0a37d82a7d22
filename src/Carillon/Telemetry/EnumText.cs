using System.Collections.Frozen;

namespace Carillon.Telemetry;

/// <summary>
/// The names of an enum's defined values, looked up instead of <c>ToString()</c>, which boxes the value: metric tags
/// take an outcome and a trigger per run (issue 13's simulated year counts the allocations). Same text as ToString.
/// </summary>
internal static class EnumText<T>
    where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> s_names = Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, v => v.ToString());

    public static string Of(T value) => s_names.TryGetValue(value, out var name) ? name : value.ToString();
}
