using Carillon.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Carillon.Generators.Tests.Generator;

public class IncrementalCachingTests
{
    private static readonly string[] TrackedSteps =
    {
        "ScheduledActions", "ParsedScheduledActions", "ValidScheduledActions", "AllScheduledActions", "CompilationFacts", "Schedule",
    };

    private const string Source = """
        [assembly: ScheduleVersion("1.0.0")]
        public class Jobs
        {
            [ScheduledAction("0 2 * * *")] public Task Nightly(CancellationToken ct) => Task.CompletedTask;
            public int Unrelated() => 1;
        }
        """;

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var compilation = Compiler.Create(Source);
        var driver = Compiler.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Source.cs");
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("=> 1;", "=> 2;"), System.Text.Encoding.UTF8)))
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Another { }", Compiler.ParseOptions, path: "Another.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {reason}"));
        }

        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason);
        Assert.All(outputs, reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    [Fact]
    public void Editing_a_cron_expression_regenerates_the_registry()
    {
        var compilation = Compiler.Create(Source);
        var driver = Compiler.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Source.cs");
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("0 2 * * *", "0 3 * * *"), System.Text.Encoding.UTF8)));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps["ScheduledActions"].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        var registry = Compiler.LoadOwnRegistry(edited.AddSyntaxTrees(result.GeneratedSources.Select(s => s.SyntaxTree)));
        Assert.Contains(registry.Tasks, t => t.Cron == "0 3 * * *");
        Assert.DoesNotContain(registry.Tasks, t => t.Cron == "0 2 * * *");
    }

    [Fact]
    public void Editing_a_class_version_in_another_partial_file_updates_the_task_version()
    {
        var compilation = Compiler.Create("""public partial class Jobs { [ScheduledAction("@hourly")] public void Run() { } }""")
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("""[ScheduleVersion("1.0.0")] public partial class Jobs { }""", Compiler.ParseOptions, path: "Version.cs"));
        var driver = Compiler.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Version.cs");
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("""[ScheduleVersion("2.0.0")] public partial class Jobs { }""")));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var task = Assert.Single(Compiler.LoadOwnRegistry(edited.AddSyntaxTrees(result.GeneratedSources.Select(s => s.SyntaxTree))).Tasks);
        Assert.Equal(("2.0.0", "Jobs", "Run"), (task.Version, task.DeclaringType, task.MethodName));
    }
}
