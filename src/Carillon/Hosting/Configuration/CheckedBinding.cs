using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace Carillon.Hosting.Configuration;

/// <summary>
/// Binds an options object like <c>BindConfiguration</c>, except that a value that does not convert to its property's
/// type is left out and remembered for the options' validation (<see cref="BindingFailureValidator{TOptions}"/>), so that
/// it stops the host like any other bad value: one message naming the key, no binder stack trace.
/// </summary>
internal static class CheckedBinding
{
    // Per options instance: the factory binds, then validates, the same object.
    private static readonly ConditionalWeakTable<object, IReadOnlyList<string>> s_failures = [];

    public static void Bind(IConfigurationSection section, object options)
    {
        var failures = ValueConversion.Check(section, options.GetType());
        if (failures.Count == 0)
        {
            section.Bind(options);
            s_failures.Remove(options);
            return;
        }

        new FilteredSection(section, failures.Select(f => f.Path).ToHashSet(StringComparer.OrdinalIgnoreCase)).Bind(options);
        s_failures.AddOrUpdate(options, failures.Select(f => f.Message).ToList());
    }

    public static IReadOnlyList<string> FailuresOf(object options) => s_failures.TryGetValue(options, out var failures) ? failures : [];
}
