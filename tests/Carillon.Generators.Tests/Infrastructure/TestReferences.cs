using System.Collections.Immutable;
using Carillon;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Generators.Tests.Infrastructure;

/// <summary>References for test compilations.</summary>
internal static class TestReferences
{
    /// <summary>
    /// net10.0 reference assemblies for the Microsoft.CodeAnalysis.Testing verifiers. 10.0.12 is a version the feed
    /// serves; the test project's PackageDownload fetches it at restore time.
    /// </summary>
    public static readonly ReferenceAssemblies Net100 = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"),
        Path.Combine("ref", "net10.0"));

    /// <summary>Carillon.Abstractions and DI abstractions, added to verifier tests on top of <see cref="Net100"/>.</summary>
    public static readonly ImmutableArray<MetadataReference> Carillon = ImmutableArray.Create<MetadataReference>(
        MetadataReference.CreateFromFile(typeof(ScheduledActionAttribute).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(IServiceCollection).Assembly.Location));

    /// <summary>
    /// Implementation assemblies of the running test host (framework, DI, Carillon.Abstractions), for in-process
    /// compilations that are emitted and loaded: they must bind to exactly what is loaded here.
    /// </summary>
    public static readonly ImmutableArray<MetadataReference> Runtime = LoadRuntime();

    private static ImmutableArray<MetadataReference> LoadRuntime()
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return tpa
            .Where(path =>
            {
                var name = Path.GetFileName(path);
                return name.StartsWith("System.", StringComparison.Ordinal)
                    || name is "System.dll" or "netstandard.dll" or "mscorlib.dll" or "Carillon.Abstractions.dll"
                    || name.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal);
            })
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
