using System.Reflection;
using System.Runtime.CompilerServices;

namespace Carillon.Tests.Hosting;

/// <summary>Issue 9 §2: every configuration key is documented, so a new option cannot ship without its line.</summary>
public sealed class ConfigurationDocsTests
{
    [Fact]
    public void Every_option_has_a_row_in_the_configuration_key_table()
    {
        var table = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));

        var missing = Keys(typeof(CarillonOptions), CarillonOptions.SectionName).Where(k => !table.Contains($"| `{k}", StringComparison.Ordinal)).ToList();

        Assert.Empty(missing);
    }

    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            if (property.PropertyType == typeof(RecurringOptions) || property.PropertyType == typeof(DelayedOptions))
            {
                foreach (var nested in Keys(property.PropertyType, key))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    private static string RepositoryRoot([CallerFilePath] string path = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
