using System.Globalization;
using System.Text;
using Carillon.Generators.Tests.Infrastructure;
using Carillon.Recurring.Scheduling;
using Cronos;

namespace Carillon.Generators.Tests.Rules;

/// <summary>
/// One corpus of cron expressions through the build (analyzer verdict and generated registry) and through the
/// runtime's schedule: whatever the build accepts, the runtime runs, with the occurrences the build validated (issue 9).
/// </summary>
public class CronCorpusTests
{
    private static readonly DateTimeOffset s_from = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] s_zones = ["UTC", "Europe/Paris", "America/New_York"];

    // Valid, invalid, never-firing and whitespace variants. The verdict is the build's; the test checks the runtime agrees.
    private static readonly string[] s_corpus =
    [
        "* * * * *", "*/5 * * * *", "0 2 * * *", "30 2 * * *", "0 0 * * 0", "0 0 1 * *", "15 10 * * 1-5", "0 9-17 * * MON-FRI",
        "0 0 1 JAN *", "0 0 * * sun", "0 0 1 jan,jul *", "0 12 * * mon#2", "0 0 L * *", "0 0 LW * *", "0 0 15W * *", "0 0 * * 5L",
        "5,10,15 * * * *", "0 0/2 * * *", "0 */3 * * *", "59 23 31 12 *", "0 0 29 2 *",
        "* * * * * *", "*/10 * * * * *", "0 0 2 * * *", "30 30 2 * * *", "0 */15 * * * *", "0 0 0 1 1 *", "0 0 0 29 2 *",
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@every_minute", "@every_second",
        "@DAILY", "@Hourly",
        "*/10\t* * * * *", "0\t2\t*\t*\t*", "  0 2 * * *", "0 2 * * *  ", "0  2   *  * *", "\t*/5 * * * * *\t", "0 2 * * *\n", "0 0 \t 1 * *",
        "0 0 30 2 *", "0 0 31 4 *", "0 0 0 31 11 *", "0 0 30,31 2 *",
        "61 * * * *", "* 24 * * *", "* * 32 * *", "* * * 13 *", "* * * * 8", "* * *", "* * * *", "0 0 0 * * * 2030", "",
        "   ", "@fortnightly", "@reboot", "@every 10m", "x y z a b", "0 0 * * MON-", "*/0 * * * *", "0 0 ? * *", "H * * * *",
        "*/10\u00a0* * * * *", "0 0 * * * * * *", "1-60 * * * *",
    ];

    public static TheoryData<string> Corpus() => [.. s_corpus];

    [Fact]
    public void Corpus_has_at_least_sixty_expressions() => Assert.True(s_corpus.Length >= 60, $"{s_corpus.Length} expressions");

    [Fact]
    public async Task Build_and_runtime_agree_on_every_expression_and_its_first_five_occurrences()
    {
        var source = new StringBuilder("public class Jobs\n{\n");
        for (var i = 0; i < s_corpus.Length; i++)
        {
            source.Append(CultureInfo.InvariantCulture, $"    [ScheduledAction({Literal(s_corpus[i])}, Id = \"t{i}\")] public void M{i}() {{ }}\n");
        }

        var compilation = Compiler.Create(source.Append('}').ToString());
        var rejected = (await Compiler.DiagnosticsAsync(compilation))
            .Where(d => d.Id is "CRL001" or "CRL009")
            .Select(d => d.Location.SourceTree!.GetRoot().FindNode(d.Location.SourceSpan).FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>()!.Identifier.Text)
            .ToHashSet(StringComparer.Ordinal);
        var (output, _) = Compiler.Generate(compilation);
        var registry = Compiler.LoadOwnRegistry(output);

        var disagreements = new List<string>();
        for (var i = 0; i < s_corpus.Length; i++)
        {
            var expression = s_corpus[i];
            var buildAccepts = !rejected.Contains("M" + i);
            var generated = registry.TryGetTask("t" + i, out var descriptor);
            if (generated != buildAccepts)
            {
                disagreements.Add($"{Show(expression)}: analyzer {(buildAccepts ? "accepts" : "rejects")} but the generator {(generated ? "emitted" : "skipped")} it");
                continue;
            }

            foreach (var zone in s_zones)
            {
                var runtime = RuntimeOccurrences(generated ? descriptor!.Cron : expression, zone);
                if (runtime is null != !buildAccepts)
                {
                    disagreements.Add($"{Show(expression)} in {zone}: build {(buildAccepts ? "accepts" : "rejects")}, runtime {(runtime is null ? "cannot run it" : "runs it")}");
                }
                else if (runtime is not null && !runtime.SequenceEqual(CanonicalOccurrences(expression, zone)))
                {
                    disagreements.Add($"{Show(expression)} in {zone}: runtime fires at {string.Join(", ", runtime)}, the build validated {string.Join(", ", CanonicalOccurrences(expression, zone))}");
                }
            }
        }

        Assert.True(disagreements.Count == 0, string.Join(Environment.NewLine, disagreements));
        Assert.Contains("M" + Array.IndexOf(s_corpus, "0 0 30 2 *"), rejected);
        Assert.DoesNotContain("M" + Array.IndexOf(s_corpus, "*/10\t* * * * *"), rejected);
    }

    [Fact]
    public void Tab_separated_six_field_cron_fires_every_ten_seconds_at_run_time()
    {
        var schedule = CronSchedule.Parse("*/10\t* * * * *", "UTC");
        Assert.Equal(s_from.AddSeconds(10), schedule.Next(s_from));
        Assert.Equal(s_from.AddSeconds(20), schedule.Next(s_from.AddSeconds(10)));
    }

    // Five occurrences as the runtime schedules them, or null when it cannot run the task at all.
    private static List<DateTimeOffset>? RuntimeOccurrences(string expression, string zone)
    {
        CronSchedule schedule;
        try
        {
            schedule = CronSchedule.Parse(expression, zone);
        }
        catch (CronFormatException)
        {
            return null;
        }

        var list = new List<DateTimeOffset>();
        for (var next = schedule.Next(s_from); next is { } n && list.Count < 5; next = schedule.Next(n))
        {
            list.Add(n);
        }

        return list.Count == 0 ? null : list;
    }

    // The reading the build validated: fields joined by single spaces, 6 fields meaning seconds first, parsed by Cronos.
    private static List<DateTimeOffset> CanonicalOccurrences(string expression, string zone)
    {
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var cron = CronExpression.Parse(string.Join(' ', fields), fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        var tz = zone == "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zone);
        var list = new List<DateTimeOffset>();
        for (var next = cron.GetNextOccurrence(s_from, tz); next is { } n && list.Count < 5; next = cron.GetNextOccurrence(n, tz))
        {
            list.Add(n);
        }

        return list;
    }

    private static string Literal(string value)
        => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);

    private static string Show(string expression) => Literal(expression);
}
