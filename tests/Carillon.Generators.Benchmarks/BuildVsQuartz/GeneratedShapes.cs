using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Carillon.Generators.Benchmarks.BuildVsQuartz;

/// <summary>
/// Compares shapes of generated code (issue 14): the Carillon project's sources compiled and emitted with no generated
/// code, then with each directory's <c>*.cs</c> files added in its place (for example the sources the breakdown mode
/// saved, and hand-edited variants of them), round-robin, process CPU time, single-threaded. What each shape adds over
/// the sources alone is how much it costs the compiler to bind and emit.
/// </summary>
internal static class GeneratedShapes
{
    public static void Run(string projectDirectory, IReadOnlyList<string> references, IReadOnlyList<string> shapes, int runs, TextWriter output)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var files = Directory.GetFiles(projectDirectory, "*.cs").Concat(Directory.GetFiles(Path.Combine(projectDirectory, "obj"), "*.GlobalUsings.g.cs", SearchOption.AllDirectories)).ToList();
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, path: f)).ToList();
        var metadata = references.Select(r => MetadataReference.CreateFromFile(r)).ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false);
        var texts = shapes.Select(d => Directory.GetFiles(d, "*.cs").Select(f => (Path: f, Text: File.ReadAllText(f))).ToList()).ToList();

        // Parsing the generated text is part of what the compiler pays for it, so each run parses it again.
        Action Compile(List<(string Path, string Text)>? generated) => () =>
        {
            var all = generated is null ? trees : trees.Concat(generated.Select(g => CSharpSyntaxTree.ParseText(g.Text, parse, path: g.Path)));
            using var stream = new MemoryStream();
            var result = CSharpCompilation.Create("JobsCarillon", all, metadata, options).Emit(stream);
            if (!result.Success)
            {
                throw new InvalidOperationException(string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
            }
        };

        var actions = new List<Action> { Compile(null) };
        actions.AddRange(texts.Select(t => Compile(t)));
        var medians = Measure.MedianSetCpuMilliseconds(runs, actions.ToArray());
        output.WriteLine("| generated code (CPU, parse + compile + emit) | median | added |");
        output.WriteLine("|---|---|---|");
        output.WriteLine($"| none ({trees.Count} source files) | {medians[0]:F0} ms | |");
        for (var i = 0; i < shapes.Count; i++)
        {
            output.WriteLine($"| {shapes[i]} ({texts[i].Sum(t => t.Text.Length) / 1024} KiB) | {medians[i + 1]:F0} ms | +{medians[i + 1] - medians[0]:F0} ms |");
        }
    }
}
