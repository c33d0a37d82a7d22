using Carillon.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Carillon.Generators.Tests.Generator;

public class IncrementalCachingTests
{
    private static readonly string[] TrackedSteps =
    {
        "ScheduledActions", "CompilationFacts", "Schedule",
    };

    /// <summary>The steps that bind symbols: after a body edit they must not run at all (issue 14).</summary>
    private static readonly string[] BindingSteps = { "ScheduledActions", "CompilationFacts" };

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

    [Fact]
    public void Method_body_edit_runs_no_binding_step()
    {
        var compilation = Compiler.Create(Source);
        var driver = Compiler.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = Replace(compilation, "Source.cs", Source.Replace("=> 1;", "=> 2;"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(Reasons(result, "Declarations")));
        foreach (var step in BindingSteps)
        {
            Assert.All(Reasons(result, step), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
        }
    }

    [Fact]
    public void Body_edit_that_adds_a_nullable_directive_runs_the_binding_again()
    {
        // A directive inside a body applies to the rest of the file, so the declarations after it may bind differently.
        var source = """
            public class Jobs
            {
                public int Unrelated() { return 1; }
                [ScheduledAction("@hourly")] public void Run() { }
            }
            """;
        var compilation = Compiler.Create(source);
        var driver = Compiler.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = Replace(compilation, "Source.cs", source.Replace("{ return 1; }", "{\n#nullable disable\n return 1; }"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(result, "Declarations")));
    }

    [Fact]
    public void Editing_a_constant_in_another_file_updates_the_cron_that_names_it()
    {
        var compilation = Compiler.Create("""public class Jobs { [ScheduledAction(Crons.Nightly)] public void Run() { } }""")
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("""public static class Crons { public const string Nightly = "0 2 * * *"; }""", Compiler.ParseOptions, path: "Crons.cs"));
        var driver = Compiler.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = Replace(compilation, "Crons.cs", """public static class Crons { public const string Nightly = "0 " + "3 * * *"; }""");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var task = Assert.Single(Compiler.LoadOwnRegistry(edited.AddSyntaxTrees(result.GeneratedSources.Select(s => s.SyntaxTree))).Tasks);
        Assert.Equal("0 3 * * *", task.Cron);
    }

    [Fact]
    public void A_constructor_generated_code_cannot_satisfy_in_another_partial_file_drops_the_task()
    {
        var compilation = Compiler.Create("""public partial class Jobs { [ScheduledAction("@hourly")] public void Run() { } }""")
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("""public partial class Jobs { public Jobs() { } }""", Compiler.ParseOptions, path: "Constructor.cs"));
        var driver = Compiler.CreateDriver(trackSteps: true).RunGenerators(compilation);
        Assert.Contains(driver.GetRunResult().GeneratedTrees, t => t.ToString().Contains("\"Jobs.Run\"", StringComparison.Ordinal));

        var edited = Replace(compilation, "Constructor.cs", """public partial class Jobs { public Jobs(ref int count) { } }""");
        var result = driver.RunGenerators(edited).GetRunResult();

        Assert.DoesNotContain(result.GeneratedTrees, t => t.ToString().Contains("\"Jobs.Run\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Adding_a_scheduled_method_in_a_new_file_adds_its_task()
    {
        var compilation = Compiler.Create(Source);
        var driver = Compiler.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("""public class More { [ScheduledAction("@daily")] public void Tidy() { } }""", Compiler.ParseOptions, path: "More.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var tasks = Compiler.LoadOwnRegistry(edited.AddSyntaxTrees(result.GeneratedSources.Select(s => s.SyntaxTree))).Tasks;
        Assert.Equal(new[] { "Jobs.Nightly", "More.Tidy" }, tasks.Select(t => t.Id).Order());
    }

    private static Compilation Replace(Compilation compilation, string path, string text)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(text, System.Text.Encoding.UTF8)));
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step)
        => result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);
}
