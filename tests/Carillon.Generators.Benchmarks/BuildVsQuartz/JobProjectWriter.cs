using System.Text;

namespace Carillon.Generators.Benchmarks.BuildVsQuartz;

/// <summary>Which of the three projects: the same job classes, with Carillon's attributes, Quartz's, or none.</summary>
internal enum JobProjectKind
{
    Baseline,
    Carillon,
    Quartz,
}

/// <summary>
/// Writes three real projects on disk (issue 14): <c>jobs</c> job classes, one per file, each with one cron. The code is
/// identical in the three; only the attributes differ, and which compile-time component is enabled. Every class is a
/// Quartz <c>IJob</c> whose <c>Execute</c> calls a <c>Run</c> method, so Quartz's <c>[QuartzJob]</c>/<c>[CronTrigger]</c>
/// go on the class and Carillon's <c>[ScheduledAction]</c> on <c>Run</c>, and the baseline is literally the same
/// source without them. All three reference the same assemblies (Carillon runtime and abstractions, Quartz), so
/// the difference is what the generators and analyzers add: Carillon's are handed to the compiler only in the
/// Carillon project, Quartz's (shipped inside the <c>Quartz</c> package) are taken out with
/// <c>DisableQuartzAnalyzers</c> everywhere but in the Quartz project.
/// </summary>
internal static class JobProjectWriter
{
    /// <summary>The same five schedules in each dialect: Cronos (5 or 6 fields, macros) and Quartz (seconds first, '?').</summary>
    private static readonly (string Carillon, string Quartz)[] Crons =
    {
        ("*/5 * * * *", "0 0/5 * * * ?"),
        ("0 2 * * *", "0 0 2 * * ?"),
        ("*/10 * * * * *", "0/10 * * * * ?"),
        ("@hourly", "0 0 * * * ?"),
        ("0 8 * * 1-5", "0 0 8 ? * MON-FRI"),
    };

    public const string QuartzVersion = "4.7.3";

    /// <summary>Writes the three projects under <paramref name="root"/> and returns their project files.</summary>
    public static IReadOnlyDictionary<JobProjectKind, string> Write(string root, int jobs, string carillonBin)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);

        // Keep the repository's props, central package management and analyzers out of the generated projects.
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), "<Project />\n");
        var projects = new Dictionary<JobProjectKind, string>();
        foreach (var kind in Enum.GetValues<JobProjectKind>())
        {
            var directory = Path.Combine(root, kind.ToString());
            Directory.CreateDirectory(directory);
            var project = Path.Combine(directory, "Jobs" + kind + ".csproj");
            File.WriteAllText(project, ProjectFile(kind, carillonBin));
            File.WriteAllText(Path.Combine(directory, "Common.cs"), CommonFile());
            for (var i = 0; i < jobs; i++)
            {
                File.WriteAllText(Path.Combine(directory, "Job" + i + ".cs"), JobFile(kind, i));
            }

            projects[kind] = project;
        }

        return projects;
    }

    private static string ProjectFile(JobProjectKind kind, string carillonBin)
    {
        string Dll(string name) => Path.Combine(carillonBin, name + ".dll");
        var analyzers = kind == JobProjectKind.Carillon
            ? $"""
                <ItemGroup>
                  <Analyzer Include="{Dll("Carillon.Generators")}" />
                  <Analyzer Include="{Dll("Carillon.Analyzers")}" />
                  <Analyzer Include="{Dll("Cronos")}" />
                </ItemGroup>
              """
            : string.Empty;
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <GenerateDocumentationFile>false</GenerateDocumentationFile>
                <DisableQuartzAnalyzers>{(kind == JobProjectKind.Quartz ? "false" : "true")}</DisableQuartzAnalyzers>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Quartz" Version="{QuartzVersion}" />
                <PackageReference Include="Confluent.Kafka" Version="2.16.0" />
                <PackageReference Include="Cronos" Version="0.13.0" />
                <Reference Include="{Dll("Carillon.Abstractions")}" />
                <Reference Include="{Dll("Carillon")}" />
              </ItemGroup>
            {analyzers}</Project>

            """;
    }

    private static string CommonFile() => """
        global using Carillon;
        global using Quartz;

        namespace Bench;

        public interface IClock { DateTime Now { get; } }

        public sealed class Clock : IClock { public DateTime Now => DateTime.UtcNow; }

        public static class Counters { public static int Calls; }

        """;

    private static string JobFile(JobProjectKind kind, int i)
    {
        var (carillonCron, quartzCron) = Crons[i % Crons.Length];
        var b = new StringBuilder();
        b.Append("namespace Bench.Jobs").Append(i % 10).Append(";\n\n");
        if (kind == JobProjectKind.Quartz)
        {
            b.Append("[QuartzJob]\n[CronTrigger(\"").Append(quartzCron).Append("\")]\n");
        }

        b.Append("public sealed class Job").Append(i).Append(" : IJob\n{\n");
        b.Append("    private readonly Bench.IClock _clock;\n\n");
        b.Append("    public Job").Append(i).Append("(Bench.IClock clock) => _clock = clock;\n\n");
        b.Append("    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) => Run(cancellationToken);\n\n");
        if (kind == JobProjectKind.Carillon)
        {
            b.Append("    [ScheduledAction(\"").Append(carillonCron).Append("\")]\n");
        }

        b.Append("    public ValueTask Run(CancellationToken cancellationToken)\n    {\n");
        b.Append("        if (_clock.Now.Year > 0)\n        {\n            Interlocked.Increment(ref Bench.Counters.Calls);\n        }\n\n");
        b.Append("        return default;\n    }\n}\n");
        return b.ToString();
    }
}
