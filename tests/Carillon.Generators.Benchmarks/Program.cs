using Carillon.Generators.Benchmarks;

// Compile-time and startup figures for docs/benchmarks-compile-time.md. Usage:
//   dotnet run -c Release --project tests/Carillon.Generators.Benchmarks [-- runs [startup]]
// "startup" skips the compile-time rows (a, b), which take most of the run, to iterate on (c) alone.
// "analyzers" runs only (d): the analyzers on UTC tasks versus the same tasks in Europe/Paris (issue 12's DST analysis).
// "incremental" runs only (b), timed by the generator driver, with the steps' reasons and own times, for an edit in a
// file with scheduled methods and one in a file without.
// "build-vs-quartz [jobs] [--report] [--server]" writes three real projects (Carillon, Quartz.NET, neither) and times
// `dotnet build --no-incremental` of each, interleaved (issue 14); --report adds the compiler's per-analyzer timing;
// --server measures the same builds again with the compiler server (as a developer's default build runs) and prints
// both ratios.
// "build-vs-quartz-breakdown" measures in-process where Carillon's part goes, on the project that mode wrote, and saves
// the generated sources beside it; "build-vs-quartz-write [jobs]" only writes and restores the projects;
// "build-vs-quartz-shapes dir…" compiles that project with each directory's generated sources instead, interleaved.

var runs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 7;
if (args.Length >= 2 && args[1] == "build-vs-quartz-breakdown")
{
    Carillon.Generators.Benchmarks.BuildVsQuartz.BuildVsQuartzBenchmark.Breakdown(runs, Path.Combine(Path.GetTempPath(), "carillon-build-vs-quartz"), Console.Out);
    return;
}

if (args.Length >= 2 && args[1] == "build-vs-quartz-write")
{
    var jobs = args.Length >= 3 && int.TryParse(args[2], out var j) ? j : 1000;
    Carillon.Generators.Benchmarks.BuildVsQuartz.BuildVsQuartzBenchmark.WriteOnly(jobs, Path.Combine(Path.GetTempPath(), "carillon-build-vs-quartz"), Console.Out);
    return;
}

if (args.Length >= 3 && args[1] == "build-vs-quartz-shapes")
{
    Carillon.Generators.Benchmarks.BuildVsQuartz.BuildVsQuartzBenchmark.Shapes(runs, Path.Combine(Path.GetTempPath(), "carillon-build-vs-quartz"), args.Skip(2).ToList(), Console.Out);
    return;
}

if (args.Length >= 2 && args[1] == "build-vs-quartz")
{
    var jobs = args.Length >= 3 && int.TryParse(args[2], out var j) ? j : 1000;
    var root = Path.Combine(Path.GetTempPath(), "carillon-build-vs-quartz");
    Carillon.Generators.Benchmarks.BuildVsQuartz.BuildVsQuartzBenchmark.Run(runs, jobs, root, args.Contains("--report"), args.Contains("--server"), Console.Out);
    return;
}

const int Classes = 100;
const int MethodsPerClass = 10;

Console.WriteLine($"{Classes * MethodsPerClass} scheduled methods in {Classes} files; median of {runs} runs after a warm-up; {Environment.ProcessorCount} cores; .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine("| measurement | value |");
Console.WriteLine("|---|---|");
if (args.Length >= 2 && args[1] == "analyzers")
{
    AnalyzerTimingBenchmark.Run(SourceFactory.Create(Classes, MethodsPerClass, withAttributes: true), SourceFactory.Create(Classes, MethodsPerClass, withAttributes: true, timeZone: "Europe/Paris"), runs, Console.Out);
    return;
}

if (args.Length >= 2 && args[1] == "incremental")
{
    CompileTimeBenchmark.RunIncremental(SourceFactory.Create(Classes, MethodsPerClass, withAttributes: true), runs, Console.Out);
    return;
}

if (args.Length < 2 || args[1] != "startup")
{
    CompileTimeBenchmark.Run(SourceFactory.Create(Classes, MethodsPerClass, withAttributes: true), runs, Console.Out);
}

StartupBenchmark.Run(SourceFactory.Create(Classes, MethodsPerClass, withAttributes: true), SourceFactory.Create(1, 1, withAttributes: true), runs, Console.Out);
