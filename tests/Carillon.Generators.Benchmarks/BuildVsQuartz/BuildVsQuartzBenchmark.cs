using System.Diagnostics;
using System.Globalization;

namespace Carillon.Generators.Benchmarks.BuildVsQuartz;

/// <summary>
/// Issue 14: the build of 1,000 jobs with Carillon's generator and analyzers against the same jobs with Quartz.NET's,
/// and against the same code with neither. Each project is built with <c>dotnet build --no-incremental</c>, one at a
/// time, round-robin with a rotating first project so that drift on a shared machine hits the three alike; every
/// figure is the median of the measured rounds, after one unmeasured warm-up round.
/// </summary>
internal static class BuildVsQuartzBenchmark
{
    private static readonly string[] BuildArguments = { "build", "--no-incremental", "--no-restore", "-m:1", "-nodeReuse:false", "-nologo", "-v:q" };

    /// <summary>
    /// The compiler server's switch (issue 14). Without the server every build starts a new <c>csc</c> process that loads
    /// and JIT-compiles the compiler, the generators and the analyzers again; with it (the SDK's default on a
    /// developer's machine, off in this machine's environment through <c>UseSharedCompilation=false</c>) they stay
    /// loaded and warm in one <c>VBCSCompiler</c> process across builds. A global property overrides the environment.
    /// </summary>
    private const string SharedCompilation = "-p:UseSharedCompilation=true";

    public static void Run(int runs, int jobs, string root, bool reportAnalyzers, bool withServer, TextWriter output)
    {
        var carillonBin = AppContext.BaseDirectory;
        var projects = JobProjectWriter.Write(root, jobs, carillonBin);
        output.WriteLine($"Projects in {root}: {jobs} jobs each; `dotnet {string.Join(' ', BuildArguments)}`, median of {runs} interleaved builds each after a warm-up round.");
        output.WriteLine($"Load average at start: {LoadAverage()}");
        foreach (var project in projects.Values)
        {
            Dotnet(new[] { "restore", project, "-nologo", "-v:q" });
        }

        var fresh = Measure(projects, runs, BuildArguments);
        output.WriteLine($"Load average at end: {LoadAverage()}");
        output.WriteLine();
        var freshRatio = PrintFigures(fresh, jobs, output);

        if (reportAnalyzers)
        {
            foreach (var kind in new[] { JobProjectKind.Carillon, JobProjectKind.Quartz })
            {
                output.WriteLine();
                output.WriteLine($"{kind}: the compiler's own timing (-p:ReportAnalyzer=true), one more build:");
                var report = Dotnet(new[] { "build", projects[kind], "--no-incremental", "--no-restore", "-m:1", "-nodeReuse:false", "-nologo", "-v:d", "-p:ReportAnalyzer=true" });
                foreach (var line in AnalyzerReport(report))
                {
                    output.WriteLine("    " + line);
                }
            }
        }

        if (withServer)
        {
            output.WriteLine();
            output.WriteLine($"With the compiler server (`{SharedCompilation}`, the SDK's default elsewhere): the same builds, median of {runs} interleaved builds each after a warm-up round that also starts the server; load average at start: {LoadAverage()}");
            try
            {
                var server = Measure(projects, runs, BuildArguments.Append(SharedCompilation).ToArray());
                output.WriteLine($"Load average at end: {LoadAverage()}");
                output.WriteLine();
                var serverRatio = PrintFigures(server, jobs, output);
                output.WriteLine();
                output.WriteLine("| ratio Carillon / Quartz | new compiler process per build | compiler server |");
                output.WriteLine("|---|---|---|");
                output.WriteLine($"| (goal ≤ 0.40) | {freshRatio:F2} | {serverRatio:F2} |");
            }
            finally
            {
                // Only the compiler server: MSBuild's nodes and other build servers are left alone.
                Dotnet(new[] { "build-server", "shutdown", "--vbcscompiler" });
            }
        }
    }

    /// <summary>
    /// The in-process breakdown of Carillon's cost on the projects an earlier run wrote under <paramref name="root"/>:
    /// one detailed build gives the compiler's references, then <see cref="InProcessBreakdown"/> measures.
    /// </summary>
    public static void Breakdown(int runs, string root, TextWriter output)
    {
        var directory = Path.Combine(root, JobProjectKind.Carillon.ToString());
        var references = CompilerReferences(directory);
        output.WriteLine($"In-process, {directory}: median of {runs} after a warm-up; load average {LoadAverage()}");
        InProcessBreakdown.Run(directory, references, runs, output);
    }

    /// <summary>Writes and restores the three projects without building them (to use the in-process modes alone).</summary>
    public static void WriteOnly(int jobs, string root, TextWriter output)
    {
        foreach (var project in JobProjectWriter.Write(root, jobs, AppContext.BaseDirectory).Values)
        {
            Dotnet(new[] { "restore", project, "-nologo", "-v:q" });
        }

        output.WriteLine($"Projects written and restored in {root}: {jobs} jobs each.");
    }

    /// <summary>Compares generated-code shapes (directories of <c>*.cs</c>) on the Carillon project; see <see cref="GeneratedShapes"/>.</summary>
    public static void Shapes(int runs, string root, IReadOnlyList<string> shapes, TextWriter output)
    {
        var directory = Path.Combine(root, JobProjectKind.Carillon.ToString());
        var references = CompilerReferences(directory);
        output.WriteLine($"In-process, {directory}: median of {runs} after a warm-up; load average {LoadAverage()}");
        GeneratedShapes.Run(directory, references, shapes, runs, output);
        output.WriteLine($"Load average at end: {LoadAverage()}");
    }

    /// <summary>
    /// Builds the projects round-robin with a rotating first project, one unmeasured warm-up round first, and returns
    /// each project's measured build times (ms).
    /// </summary>
    private static Dictionary<JobProjectKind, List<double>> Measure(IReadOnlyDictionary<JobProjectKind, string> projects, int runs, string[] arguments)
    {
        var kinds = Enum.GetValues<JobProjectKind>();
        var samples = kinds.ToDictionary(k => k, _ => new List<double>());
        for (var round = -1; round < runs; round++)
        {
            for (var k = 0; k < kinds.Length; k++)
            {
                var kind = kinds[(Math.Max(round, 0) + k) % kinds.Length];
                var elapsed = Build(projects[kind], arguments);
                if (round >= 0)
                {
                    samples[kind].Add(elapsed);
                }
            }
        }

        return samples;
    }

    /// <summary>Prints each project's median and range and the added times; returns the ratio Carillon / Quartz.</summary>
    private static double PrintFigures(Dictionary<JobProjectKind, List<double>> samples, int jobs, TextWriter output)
    {
        var baseline = Median(samples[JobProjectKind.Baseline]);
        var carillon = Median(samples[JobProjectKind.Carillon]) - baseline;
        var quartz = Median(samples[JobProjectKind.Quartz]) - baseline;
        output.WriteLine("| build of " + jobs + " jobs | median | range |");
        output.WriteLine("|---|---|---|");
        foreach (var kind in Enum.GetValues<JobProjectKind>())
        {
            output.WriteLine($"| {kind} | {Median(samples[kind]) / 1000:F2} s | {samples[kind].Min() / 1000:F2}–{samples[kind].Max() / 1000:F2} s |");
        }

        output.WriteLine();
        output.WriteLine($"| baseline (no attributes, no generator/analyzers) | {baseline / 1000:F2} s |");
        output.WriteLine($"| Carillon's generator and analyzers add | {carillon / 1000:F2} s |");
        output.WriteLine($"| Quartz.NET {JobProjectWriter.QuartzVersion}'s generator and analyzers add | {quartz / 1000:F2} s |");
        output.WriteLine($"| ratio Carillon / Quartz (goal ≤ 0.40) | {carillon / quartz:F2} |");
        return carillon / quartz;
    }

    /// <summary>The references the compiler is given for the project, read from one detailed build's log.</summary>
    private static List<string> CompilerReferences(string directory)
    {
        var log = Dotnet(new[] { "build", Path.Combine(directory, "JobsCarillon.csproj"), "--no-incremental", "--no-restore", "-m:1", "-nodeReuse:false", "-nologo", "-v:d" });
        return log.Split('\n').First(l => l.Contains("/reference:", StringComparison.Ordinal))
            .Split(' ').Where(a => a.StartsWith("/reference:", StringComparison.Ordinal)).Select(a => a["/reference:".Length..]).ToList();
    }

    private static double Build(string project, string[] arguments)
    {
        var watch = Stopwatch.StartNew();
        Dotnet(arguments.Append(project).ToArray());
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Keeps the timing tables the compiler prints under ReportAnalyzer: totals and one line per component.</summary>
    private static IEnumerable<string> AnalyzerReport(string log)
    {
        var inTable = false;
        foreach (var raw in log.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("Total analyzer execution time", StringComparison.Ordinal) || line.StartsWith("Total generator execution time", StringComparison.Ordinal))
            {
                inTable = true;
                yield return line;
                continue;
            }

            if (inTable && line.Length == 0)
            {
                inTable = false;
            }
            else if (inTable && (line.Contains("Carillon", StringComparison.Ordinal) || line.Contains("Quartz", StringComparison.Ordinal) || line.StartsWith("Time (s)", StringComparison.Ordinal)))
            {
                yield return line;
            }
        }
    }

    private static string Dotnet(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
        }

        return stdout;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
