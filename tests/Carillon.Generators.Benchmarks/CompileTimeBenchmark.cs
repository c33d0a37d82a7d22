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
        MeasureFirstRun(withHelper, runs, output);
    }

    /// <summary>
    /// What a command-line build pays: a new driver's one run on a compilation nobody has bound yet (a clone has its
    /// own symbols), so the syntax-first stage's walk of every file is counted along with the binding.
    /// </summary>
    private static void MeasureFirstRun(IReadOnlyList<string> sources, int runs, TextWriter output)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        var compilation = CSharpCompilation.Create("Bench", sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"File{i}.cs")), BenchReferences.Runtime, options);
        var untracked = new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false);
        var samples = new List<double>();
        for (var i = 0; i < 5 + runs; i++)
        {
            var driver = RunCollected(CSharpGeneratorDriver.Create(new[] { new ScheduleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions, driverOptions: untracked), compilation.Clone());
            if (i >= 5)
            {
                samples.Add(driver.GetTimingInfo().ElapsedTime.TotalMilliseconds);
            }
        }

        output.WriteLine($"| (b) for comparison: a new driver's first run on an unbound copy of the compilation, as a build runs it | {Spread(samples)} |");
    }

    private static void MeasureEdits(IReadOnlyList<string> sources, int file, string find, string replaceFormat, string label, int runs, TextWriter output)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        var current = CSharpCompilation.Create("Bench", sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"File{i}.cs")), BenchReferences.Runtime, options);

        // Three drivers see the same compilations. The timed one runs as a compiler or IDE does, without step tracking:
        // with tracking on, the driver records every cached item of every step, which costs tens of milliseconds for
        // 1,000 tasks and is not what a build pays. The anchor is a generator that does nothing but depend on the
        // compilation: the driver's own floor for a re-run. The tracked one reports each step's reasons and own time.
        var untracked = new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false);
        GeneratorDriver timed = CSharpGeneratorDriver.Create(new[] { new ScheduleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions, driverOptions: untracked);
        GeneratorDriver anchor = CSharpGeneratorDriver.Create(new[] { new EmptyGenerator().AsSourceGenerator() }, parseOptions: ParseOptions, driverOptions: untracked);
        GeneratorDriver tracked = CSharpGeneratorDriver.Create(new[] { new ScheduleGenerator().AsSourceGenerator() }, parseOptions: ParseOptions, driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        timed = timed.RunGenerators(current);
        anchor = anchor.RunGenerators(current);
        tracked = tracked.RunGenerators(current);
        var tree = current.SyntaxTrees.ElementAt(file);
        var samples = new List<double>();
        var anchorSamples = new List<double>();
        var trackedSamples = new List<double>();
        var reasons = new SortedSet<string>(StringComparer.Ordinal);
        var stepTimes = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        const int WarmUp = 30; // enough re-runs for the JIT to promote the hot paths, as in a long IDE session
        for (var i = 0; i < WarmUp + runs; i++)
        {
            var text = tree.GetText().ToString().Replace(find, string.Format(System.Globalization.CultureInfo.InvariantCulture, replaceFormat, i + 2));
            current = current.ReplaceSyntaxTree(current.SyntaxTrees.ElementAt(file), tree.WithChangedText(SourceText.From(text)));

            // The anchor first, so any lazy work of the new compilation that a driver triggers is charged to it, not to
            // Carillon's generator; a collection before each run, so no driver pays for another's garbage.
            anchor = RunCollected(anchor, current);
            timed = RunCollected(timed, current);
            tracked = RunCollected(tracked, current);
            if (i < WarmUp)
            {
                continue;
            }

            samples.Add(timed.GetTimingInfo().ElapsedTime.TotalMilliseconds);
            anchorSamples.Add(anchor.GetTimingInfo().ElapsedTime.TotalMilliseconds);
            trackedSamples.Add(tracked.GetTimingInfo().ElapsedTime.TotalMilliseconds);
            foreach (var step in tracked.GetRunResult().Results.Single().TrackedSteps)
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

        output.WriteLine($"| (b) generator re-run after an unrelated edit {label}, the driver's own timing (median of {runs}; min–max) | {Spread(samples)} |");
        output.WriteLine($"| (b) anchor: a generator that does nothing, same compilations, same timing | {Spread(anchorSamples)} |");
        output.WriteLine($"| (b) the same generator with step tracking on (as the tests run it) | {Spread(trackedSamples)} |");
        output.WriteLine($"| (b) step reasons in those re-runs | {string.Join("; ", reasons)} |");
        var medians = stepTimes
            .Select(s => (s.Key, Median: s.Value.OrderBy(t => t).ElementAt(s.Value.Count / 2)))
            .Where(s => s.Median >= 0.05)
            .Select(s => s.Key + " " + s.Median.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " ms");
        output.WriteLine($"| (b) tracked steps taking 0.05 ms or more in those re-runs (median) | {string.Join("; ", medians)} |");
    }

    private static GeneratorDriver RunCollected(GeneratorDriver driver, Compilation compilation)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return driver.RunGenerators(compilation);
    }

    private static string Spread(List<double> samples)
    {
        var sorted = samples.OrderBy(s => s).ToList();
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{sorted[sorted.Count / 2]:F2} ms ({sorted[0]:F2}–{sorted[^1]:F2})");
    }

    /// <summary>The anchor of (b): depends on the compilation, like every generator, and produces nothing.</summary>
    private sealed class EmptyGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
            => context.RegisterSourceOutput(context.CompilationProvider.Select(static (_, _) => 0), static (_, _) => { });
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
