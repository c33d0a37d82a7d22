using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Carillon.Hosting.Configuration;

/// <summary>
/// A view of a configuration section without the values at <paramref name="hidden"/> paths, so that the binder keeps
/// those properties' defaults and binds everything else (the host stops on the hidden values' failures anyway, but
/// the other rules then judge the values actually given).
/// </summary>
internal sealed class FilteredSection(IConfigurationSection inner, IReadOnlySet<string> hidden) : IConfigurationSection
{
    public string? this[string key]
    {
        get => GetSection(key).Value;
        set => inner[key] = value;
    }

    public string Key => inner.Key;

    public string Path => inner.Path;

    public string? Value
    {
        get => hidden.Contains(inner.Path) ? null : inner.Value;
        set => inner.Value = value;
    }

    public IEnumerable<IConfigurationSection> GetChildren() => inner.GetChildren().Select(c => new FilteredSection(c, hidden));

    public IChangeToken GetReloadToken() => inner.GetReloadToken();

    public IConfigurationSection GetSection(string key) => new FilteredSection(inner.GetSection(key), hidden);
}
