using System.Collections.Immutable;
using System.Diagnostics;
using Carillon.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Carillon.Generators.Benchmarks.BuildVsQuartz;

/// <summary>
/// Where Carillon's added build time goes, in-process, on the Carillon project the build-vs-quartz mode wrote: the
/// generator's own run, compiling the code it generated, and each analyzer (the compiler's telemetry), each the
/// median of <c>runs</c> after a warm-up. The references are the ones the compiler was given (read from the
/// detailed build log), so the compilation is the one <c>dotnet build</c> compiles.
/// </summary>
internal static class InProcessBreakdown
{
    public static void Run(string projectDirectory, IReadOnlyList<string> references, int runs, TextWriter output)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var files = Directory.GetFiles(projectDirectory, "*.cs").Concat(Directory.GetFiles(Path.Combine(projectDirectory, "obj"), "*.GlobalUsings.g.cs", SearchOption.AllDirectories)).ToList();
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, path: f)).ToList();
        var metadata = references.Select(r => MetadataReference.CreateFromFile(r)).ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false);
        CSharpCompilation Create() => CSharpCompilation.Create("JobsCarillon", trees, metadata, options);

        GeneratorDriver Driver() => CSharpGeneratorDriver.Create(new[] { new ScheduleGenerator().AsSourceGenerator() }, parseOptions: parse);

        // Cold: the first run in this process pays what every command-line build pays (UseSharedCompilation=false
        // starts a new compiler per build): loading and JIT-compiling the generator, the analyzers and Cronos.
        var coldCompilation = Create();
        Emit(coldCompilation);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var coldDriver = Driver().RunGenerators(coldCompilation);
        var coldGeneratorCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var coldGenerator = coldDriver.GetTimingInfo().ElapsedTime.TotalMilliseconds;
        var coldAnalyzed = coldCompilation.AddSyntaxTrees(coldDriver.GetRunResult().GeneratedTrees);
        Emit(coldAnalyzed);
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var coldAnalyzers = coldAnalyzed.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ScheduledActionAnalyzer(), new ScheduleVersionAnalyzer()), new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
        coldAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        var coldAnalyzerCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var coldScheduled = coldAnalyzers.GetAnalyzerTelemetryInfoAsync(coldAnalyzers.Analyzers[0], default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds;
        output.WriteLine($"| cold (first in process) generator run: driver's timing / process CPU | {coldGenerator:F0} ms / {coldGeneratorCpu:F0} ms |");
        output.WriteLine($"| cold analyzers: ScheduledActionAnalyzer telemetry / process CPU for both incl. binding | {coldScheduled:F0} ms / {coldAnalyzerCpu:F0} ms |");

        var generated = Driver().RunGeneratorsAndUpdateCompilation(Create(), out var withGenerated, out _);
        var generatedTrees = withGenerated.SyntaxTrees.Except(trees).ToList();
        output.WriteLine($"Generated: {string.Join(", ", generatedTrees.Select(t => $"{Path.GetFileName(t.FilePath)} {t.GetText().Length / 1024} KiB, {t.GetText().Lines.Count} lines"))}");
        var saved = Path.Combine(Path.GetDirectoryName(projectDirectory)!, "generated");
        Directory.CreateDirectory(saved);
        foreach (var tree in generatedTrees)
        {
            File.WriteAllText(Path.Combine(saved, Path.GetFileName(tree.FilePath)), tree.GetText().ToString());
        }

        output.WriteLine($"Generated sources saved in {saved} (for the build-vs-quartz-shapes mode).");

        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new ScheduledActionAnalyzer(), new ScheduleVersionAnalyzer());
        var generatorTime = new List<double>();
        var analyzerTimes = analyzers.ToDictionary(a => a.GetType().Name, _ => new List<double>());
        var medians = Measure.MedianSetCpuMilliseconds(
            runs,
            () => Emit(Create()),
            () => Emit(Create().AddSyntaxTrees(generatedTrees)),
            () =>
            {
                var driver = Driver().RunGenerators(Create());
                generatorTime.Add(driver.GetTimingInfo().ElapsedTime.TotalMilliseconds);
            },
            () =>
            {
                var compilation = Create().AddSyntaxTrees(generatedTrees);
                Emit(compilation); // bind first, as the compiler does before its analyzers finish
                var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
                withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
                foreach (var analyzer in analyzers)
                {
                    analyzerTimes[analyzer.GetType().Name].Add(withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds);
                }
            });
        output.WriteLine($"| (CPU) compile + emit the {trees.Count} files, no generator | {medians[0]:F0} ms |");
        output.WriteLine($"| the same plus the generated files (binding the generated code: +{medians[1] - medians[0]:F0} ms) | {medians[1]:F0} ms |");
        output.WriteLine($"| generator run, fresh driver (driver's timing) | {Median(generatorTime):F0} ms |");
        foreach (var pair in analyzerTimes)
        {
            output.WriteLine($"| analyzer {pair.Key} (compiler telemetry) | {Median(pair.Value):F0} ms |");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }

    private static void Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException(string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
        }
    }
}
