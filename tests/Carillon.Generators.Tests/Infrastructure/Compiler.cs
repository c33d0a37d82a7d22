using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Carillon.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Carillon.Generators.Tests.Infrastructure;

/// <summary>In-process compilations with the generator and analyzers, as a build would run them.</summary>
internal static class Compiler
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private const string GlobalUsings = "global using System;\nglobal using System.Threading;\nglobal using System.Threading.Tasks;\nglobal using Carillon;\n";

    public static CSharpCompilation Create(string source, string assemblyName = "App", IEnumerable<MetadataReference>? references = null)
        => CSharpCompilation.Create(
            assemblyName,
            new[]
            {
                CSharpSyntaxTree.ParseText(GlobalUsings, ParseOptions, path: "Usings.cs"),
                CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Source.cs"),
            },
            TestReferences.Runtime.AddRange(references ?? Enumerable.Empty<MetadataReference>()),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error));

    public static GeneratorDriver CreateDriver(bool trackSteps = false)
        => CSharpGeneratorDriver.Create(
            new[] { new ScheduleGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns the compilation including generated sources and the run result.</summary>
    public static (Compilation Output, GeneratorDriverRunResult Run) Generate(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        return (output, driver.GetRunResult());
    }

    /// <summary>The generated text of one file (by hint-name suffix).</summary>
    public static string GeneratedText(GeneratorDriverRunResult run, string hintSuffix)
        => run.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith(hintSuffix, StringComparison.Ordinal)).SourceText.ToString();

    /// <summary>Compiler, generator-output and analyzer diagnostics, as a build would report them.</summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Compilation compilation)
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new ScheduledActionAnalyzer(), new ScheduleVersionAnalyzer());
        var withAnalyzers = compilation.WithAnalyzers(analyzers);
        return await withAnalyzers.GetAllDiagnosticsAsync();
    }

    /// <summary>Emits to memory and fails with the diagnostics when the compilation has errors.</summary>
    public static byte[] Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return stream.ToArray();
    }

    /// <summary>
    /// Emits and loads a compilation that already contains the generated sources and creates its own registry: the
    /// descriptors' values are checked as the runtime sees them, whatever form the generated code stores them in.
    /// </summary>
    public static IScheduleRegistry LoadOwnRegistry(Compilation output)
    {
        var assembly = Load(Emit(output));
        var type = assembly.GetType("Carillon.Generated." + output.AssemblyName!.Replace('.', '_') + "ScheduleRegistry", throwOnError: true)!;
        return (IScheduleRegistry)Activator.CreateInstance(type)!;
    }

    /// <summary>Loads an emitted assembly in its own context; framework and Carillon types resolve to the host's.</summary>
    public static Assembly Load(byte[] image, params byte[][] dependencies)
    {
        var context = new AssemblyLoadContext("test-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        foreach (var dependency in dependencies)
        {
            context.LoadFromStream(new MemoryStream(dependency));
        }

        return context.LoadFromStream(new MemoryStream(image));
    }
}
