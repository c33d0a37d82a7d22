using System.Collections.Immutable;
using Carillon.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Carillon.Generators.Benchmarks;

/// <summary>
/// (a) Full build cost with the generator and analyzers versus the same compilation without them;
/// (b) the generator's cost after an unrelated edit, with the driver's incremental state.
/// </summary>
internal static class CompileTimeBenchmark
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>
    /// (b) alone: the generator's own time after an unrelated edit, as the driver times it (no compilation creation),
    /// and every tracked step's reasons and own time in those re-runs (issue 14). Measured twice: the edit in a file
    /// that also holds 10 scheduled methods, whose attributes Roslyn's attribute lookup binds again, and the edit in a
    /// file with no scheduled method.
    /// </summary>
    public static void RunIncremental(IReadOnlyList<string> sources, int runs, TextWriter output)
    {
        var withHelper = sources.Append("namespace Bench { public static class Helpers { public static int Unrelated() => 1; } }").ToList();
        MeasureEdits(withHelper, 1, "public int Unrelated() => 1;", "public int Unrelated() => {0};", "in a file with 10 scheduled methods", runs, output);
        MeasureEdits(withHelper, withHelper.Count - 1, "public static int Unrelated() => 1;", "public static int Unrelated() => {0};", "in a file with no scheduled method", runs, output);
    }

    private static void MeasureEdits(IReadOnlyList<string> sources, int file, string find, string replaceFormat, string label, int runs, TextWriter output)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        var current = CSharpCompilation.Create("Bench", sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"File{i}.cs")), BenchReferences.Runtime, options);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new ScheduleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions, driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(current);
        var tree = current.SyntaxTrees.ElementAt(file);
        var samples = new List<double>();
        var reasons = new SortedSet<string>(StringComparer.Ordinal);
        var stepTimes = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        const int WarmUp = 30; // enough re-runs for the JIT to promote the hot paths, as in a long IDE session
        for (var i = 0; i < WarmUp + runs; i++)
        {
            var text = tree.GetText().ToString().Replace(find, string.Format(System.Globalization.CultureInfo.InvariantCulture, replaceFormat, i + 2));
            current = current.ReplaceSyntaxTree(current.SyntaxTrees.ElementAt(file), tree.WithChangedText(SourceText.From(text)));
            driver = driver.RunGenerators(current);
            if (i >= WarmUp)
            {
                samples.Add(driver.GetTimingInfo().ElapsedTime.TotalMilliseconds);
                foreach (var step in driver.GetRunResult().Results.Single().TrackedSteps)
                {
                    if (!stepTimes.TryGetValue(step.Key, out var times))
                    {
                        stepTimes[step.Key] = times = new List<double>();
                    }

                    times.Add(step.Value.Sum(s => s.ElapsedTime.TotalMilliseconds));
                    foreach (var reason in step.Value.SelectMany(s => s.Outputs).GroupBy(o => o.Reason))
                    {
                        reasons.Add(step.Key + ": " + reason.Key + " x" + reason.Count());
                    }
                }
            }
        }

        samples.Sort();
        output.WriteLine($"| (b) generator re-run after an unrelated edit {label}, the driver's own timing (median of {runs}) | {samples[samples.Count / 2]:F2} ms |");
        output.WriteLine($"| (b) step reasons in those re-runs | {string.Join("; ", reasons)} |");
        var medians = stepTimes
            .Select(s => (s.Key, Median: s.Value.OrderBy(t => t).ElementAt(s.Value.Count / 2)))
            .Where(s => s.Median >= 0.05)
            .Select(s => s.Key + " " + s.Median.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " ms");
        output.WriteLine($"| (b) tracked steps taking 0.05 ms or more in those re-runs (median) | {string.Join("; ", medians)} |");
    }

    public static void Run(IReadOnlyList<string> sources, int runs, TextWriter output)
    {
        var references = BenchReferences.Runtime;
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        CSharpCompilation Create() => CSharpCompilation.Create("Bench", sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"File{i}.cs")), references, options);

        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new ScheduledActionAnalyzer(), new ScheduleVersionAnalyzer());
        Compilation Generate(CSharpCompilation compilation)
        {
            CSharpGeneratorDriver.Create(new[] { new ScheduleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
                .RunGeneratorsAndUpdateCompilation(compilation, out var updated, out _);
            return updated;
        }

        void Analyze(Compilation compilation)
        {
            var diagnostics = compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                throw new InvalidOperationException(string.Join("\n", diagnostics));
            }
        }

        var medians = Measure.MedianSetMilliseconds(
            runs,
            () => EmitOrThrow(Create()),
            () => EmitOrThrow(Generate(Create())),
            () =>
            {
                var updated = Generate(Create());
                Analyze(updated);
                EmitOrThrow(updated);
            },
            () => Generate(Create()),
            () => Analyze(Create()));
        var (baseline, withGenerator, full, generatorOnly, analyzersOnly) = (medians[0], medians[1], medians[2], medians[3], medians[4]);

        // (b) Incremental: the driver keeps its state; each run edits an unrelated method body in one file.
        var first = Create();
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new ScheduleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        driver = driver.RunGenerators(first);
        var current = first;
        var counter = 1;
        var tree = first.SyntaxTrees.ElementAt(1);
        var incremental = Measure.MedianMilliseconds(runs, () =>
        {
            counter++;
            var text = tree.GetText().ToString().Replace("public int Unrelated() => 1;", $"public int Unrelated() => {counter};");
            var edited = current.ReplaceSyntaxTree(current.SyntaxTrees.ElementAt(1), tree.WithChangedText(SourceText.From(text)));
            driver = driver.RunGenerators(edited);
            current = edited;
        });

        output.WriteLine($"| (a) parse + compile + emit, no generator/analyzers (baseline) | {baseline:F0} ms |");
        output.WriteLine($"| (a) + generator, emitting the generated registry too | {withGenerator:F0} ms (x{withGenerator / baseline:F2}) |");
        output.WriteLine($"| (a) + generator + analyzers + emit | {full:F0} ms (x{full / baseline:F2}) |");
        output.WriteLine($"| generator alone, fresh driver (parse + the binding it needs) | {generatorOnly:F0} ms |");
        output.WriteLine($"| analyzers alone (GetAnalyzerDiagnostics, incl. the binding they need) | {analyzersOnly:F0} ms |");
        output.WriteLine($"| (b) generator re-run after an unrelated edit (incremental state) | {incremental:F1} ms |");
    }

    private static void EmitOrThrow(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException(string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
        }
    }
}
