using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Carillon.Analyzers;
using Microsoft.CodeAnalysis;

namespace Carillon.Generators.Tests.Rules;

/// <summary>Every diagnostic's help link points at its section of docs/diagnostics.md in this repository.</summary>
public class HelpLinkTests
{
    public static TheoryData<string> Ids() => [.. Descriptors().Select(d => d.Id)];

    [Fact]
    public void Repository_url_of_the_packages_is_the_one_the_help_links_use()
    {
        var props = File.ReadAllText(Path.Combine(RepositoryRoot(), "Directory.Build.props"));
        var url = Regex.Match(props, "<RepositoryUrl>(.*?)</RepositoryUrl>").Groups[1].Value;
        Assert.Equal(DiagnosticDescriptors.RepositoryUrl, url);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Help_link_names_a_section_of_the_diagnostics_document(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);
        Assert.Equal($"{DiagnosticDescriptors.RepositoryUrl}/blob/main/docs/diagnostics.md#{id.ToLowerInvariant()}", descriptor.HelpLinkUri);
        var document = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "diagnostics.md"));
        Assert.Contains("## " + id, document);
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors()
        => typeof(DiagnosticDescriptors).GetFields().Where(f => f.FieldType == typeof(DiagnosticDescriptor)).Select(f => (DiagnosticDescriptor)f.GetValue(null)!);

    private static string RepositoryRoot([CallerFilePath] string path = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
