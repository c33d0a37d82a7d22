using System.Collections.Immutable;
using System.Diagnostics;
using Carillon.Analyzers;
using Carillon.Analyzers.Timing;
using Cronos;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Carillon.Generators.Benchmarks;

/// <summary>
/// (d) Issue 12: what the timing analyzers add. The same 1,000 tasks analysed in UTC and in Europe/Paris (every task
/// then gets the daylight-saving analysis, served from the per-(cron, zone) cache after the first), and the uncached
/// cost of one daylight-saving analysis, the price of a new (cron, zone) pair as you type.
/// </summary>
internal static class AnalyzerTimingBenchmark
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static void Run(IReadOnlyList<string> utcSources, IReadOnlyList<string> parisSources, int runs, TextWriter output)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new ScheduledActionAnalyzer(), new ScheduleVersionAnalyzer());
        CSharpCompilation Create(IReadOnlyList<string> sources)
            => CSharpCompilation.Create("Bench", sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"File{i}.cs")), BenchReferences.Runtime, options);
        void Analyze(IReadOnlyList<string> sources) => Create(sources).WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

        var medians = Measure.MedianSetMilliseconds(runs, () => Analyze(utcSources), () => Analyze(parisSources));

        // Uncached: a fresh analysis of each (cron, zone) pair, timed one by one (the cache is bypassed on purpose).
        string[] crons = ["30 2 * * *", "0 * * * *", "*/5 * * * *", "0 8 * * 1-5", "*/10 * * * * *", "* * * * * *"];
        string[] zones = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Australia/Sydney"];
        var from = DateTime.UtcNow.Date;
        var times = new List<double>();
        var byPair = new Dictionary<string, List<double>>();
        for (var round = 0; round < runs + 1; round++)
        {
            foreach (var cron in crons)
            {
                foreach (var zone in zones)
                {
                    var expression = CronExpression.Parse(cron, cron.Split(' ').Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
                    var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
                    var stopwatch = Stopwatch.StartNew();
                    DstExposure.Find(expression, tz, from, DstExposure.Horizon);
                    if (round > 0)
                    {
                        times.Add(stopwatch.Elapsed.TotalMilliseconds);
                        var pair = cron + " in " + zone;
                        (byPair.TryGetValue(pair, out var list) ? list : byPair[pair] = []).Add(stopwatch.Elapsed.TotalMilliseconds);
                    }
                }
            }
        }

        times.Sort();
        output.WriteLine($"| (d) analyzers alone, 1,000 tasks in UTC (no DST analysis) | {medians[0]:F0} ms |");
        output.WriteLine($"| (d) analyzers alone, the same tasks in Europe/Paris (DST analysis, cached per (cron, zone)) | {medians[1]:F0} ms |");
        var slowest = byPair.OrderByDescending(p => Median(p.Value)).First();
        output.WriteLine($"| (d) one DST analysis, uncached, {crons.Length} crons x {zones.Length} zones: median | {times[times.Count / 2]:F2} ms |");
        output.WriteLine($"| (d) slowest pair ('{slowest.Key}'), median of its runs | {Median(slowest.Value):F2} ms |");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
