using Carillon.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CSharp;

namespace Carillon.Generators.Tests.Generator;

/// <summary>
/// Which attributes the generator recognises as Carillon's <c>[ScheduledAction]</c>: it filters methods by the
/// attribute's name before binding them (issue 14), so every way of naming the attribute must still be found.
/// </summary>
public class AttributeLookupTests
{
    [Fact]
    public void Alias_declared_by_a_global_using_in_another_file_is_found()
    {
        var compilation = Compiler.Create("""public class Jobs { [Every("@hourly")] public void Run() { } }""")
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("global using Every = Carillon.ScheduledActionAttribute;", Compiler.ParseOptions, path: "Aliases.cs"));

        Assert.Equal(new[] { "Jobs.Run" }, TaskIds(compilation));
    }

    [Fact]
    public void Alias_of_an_alias_is_found()
    {
        var compilation = Compiler.Create("""
            namespace Shop
            {
                using Hourly = Every;
                public class Jobs { [Hourly("@hourly")] public void Run() { } }
            }
            """)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("global using Every = Carillon.ScheduledActionAttribute;", Compiler.ParseOptions, path: "Aliases.cs"));

        Assert.Equal(new[] { "Jobs.Run" }, TaskIds(compilation));
    }

    [Fact]
    public void Fully_qualified_attribute_name_is_found()
    {
        var compilation = Compiler.Create("""public class Jobs { [global::Carillon.ScheduledActionAttribute("@hourly")] public void Run() { } [Carillon.ScheduledAction("@daily")] public void Tidy() { } }""");

        Assert.Equal(new[] { "Jobs.Run", "Jobs.Tidy" }, TaskIds(compilation));
    }

    [Fact]
    public void Attribute_of_the_same_name_from_another_namespace_is_ignored()
    {
        var compilation = Compiler.Create("""
            namespace Other { public sealed class ScheduledActionAttribute : System.Attribute { public ScheduledActionAttribute(string cron) { } } }
            public class Jobs { [Other.ScheduledAction("@hourly")] public void Run() { } [ScheduledAction("@daily")] public void Tidy() { } }
            """);

        Assert.Equal(new[] { "Jobs.Tidy" }, TaskIds(compilation));
    }

    [Fact]
    public void Methods_of_nested_types_and_partial_classes_across_files_are_found_in_declaration_order()
    {
        var compilation = Compiler.Create("""
            public partial class Outer
            {
                [ScheduledAction("@hourly")] public static void First() { }
                public class Inner { [ScheduledAction("@daily")] public static void Second() { } }
            }
            """)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("""public partial class Outer { [ScheduledAction("@weekly")] public static void Third() { } }""", Compiler.ParseOptions, path: "Outer.Part.cs"));

        Assert.Equal(new[] { "Outer.First", "Inner.Second", "Outer.Third" }, TaskIds(compilation));
    }

    [Fact]
    public void Local_function_with_the_attribute_generates_nothing()
    {
        var compilation = Compiler.Create("""
            public class Jobs
            {
                public void Host()
                {
                    [ScheduledAction("@hourly")] static void Local() { }
                    Local();
                }
            }
            """);

        Assert.Empty(TaskIds(compilation));
    }

    [Fact]
    public void Tasks_of_many_files_are_listed_in_file_order_when_the_build_binds_them_in_parallel()
    {
        // The generator binds the files in parallel when the build is concurrent (issue 14); the registry must not
        // depend on which thread finished first.
        var compilation = Compiler.Create("public static class Empty { }");
        var expected = new List<string>();
        for (var i = 0; i < 64; i++)
        {
            compilation = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText($$"""public class Job{{i}} { [ScheduledAction("@hourly")] public void A() { } [ScheduledAction("@daily")] public void B() { } }""", Compiler.ParseOptions, path: $"Job{i}.cs"));
            expected.Add($"Job{i}.A");
            expected.Add($"Job{i}.B");
        }

        var (_, concurrent) = Compiler.Generate(compilation);
        var (_, sequential) = Compiler.Generate(compilation.WithOptions(compilation.Options.WithConcurrentBuild(false)));

        Assert.Equal(expected, TaskIds(compilation));
        Assert.Equal(Compiler.GeneratedText(sequential, "ScheduleRegistry.g.cs"), Compiler.GeneratedText(concurrent, "ScheduleRegistry.g.cs"));
    }

    [Fact]
    public void Assembly_version_written_through_an_alias_in_another_file_applies()
    {
        var compilation = Compiler.Create("""public class Jobs { [ScheduledAction("@hourly")] public void Run() { } }""")
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("""
                using V = Carillon.ScheduleVersionAttribute;
                [assembly: System.Reflection.AssemblyTitle("Jobs")]
                [assembly: V("4.2.0")]
                """, Compiler.ParseOptions, path: "AssemblyInfo.cs"));

        Assert.Equal("4.2.0", RegistryVersion(compilation));
    }

    [Fact]
    public void Assembly_version_written_fully_qualified_applies()
    {
        var compilation = Compiler.Create("""
            [assembly: global::Carillon.ScheduleVersionAttribute("3.1.0")]
            public class Jobs { [ScheduledAction("@hourly")] public void Run() { } }
            """);

        Assert.Equal("3.1.0", RegistryVersion(compilation));
    }

    [Fact]
    public void Assembly_attributes_that_cannot_be_the_version_leave_the_default()
    {
        var compilation = Compiler.Create("""
            [assembly: System.Reflection.AssemblyTitle("Jobs")]
            public class Jobs { [ScheduledAction("@hourly")] public void Run() { } }
            """);

        Assert.Equal("0.0.0", RegistryVersion(compilation));
    }

    private static string RegistryVersion(CSharpCompilation compilation)
    {
        var (output, _) = Compiler.Generate(compilation);
        return Compiler.LoadOwnRegistry(output).Version;
    }

    private static string[] TaskIds(CSharpCompilation compilation)
    {
        var (output, _) = Compiler.Generate(compilation);
        return Compiler.LoadOwnRegistry(output).Tasks.Select(t => t.Id).ToArray();
    }
}
