using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Carillon.Generators.Benchmarks;

internal static class BenchReferences
{
    /// <summary>The running host's framework, DI and Carillon.Abstractions, so emitted assemblies load here.</summary>
    public static readonly ImmutableArray<MetadataReference> Runtime =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Where(path =>
        {
            var name = Path.GetFileName(path);
            return name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll" or "Carillon.Abstractions.dll"
                || name.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal);
        })
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToImmutableArray();
}
