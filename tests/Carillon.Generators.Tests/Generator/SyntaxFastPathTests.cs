using Carillon.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Carillon.Generators.Tests.Generator;

/// <summary>
/// The generator reads the common <c>[ScheduledAction]</c> method from syntax and binds only what syntax cannot settle
/// (issue 14). Its boundaries: whatever it reads must be what binding gives, and whatever it cannot prove (a constant,
/// an alias, a type of the same name elsewhere) must go to the bound path. A type named <c>ScheduledAction</c> anywhere
/// in a compilation turns the syntax reading off for that compilation, so comparing a compilation with and without
/// such an unrelated type compares the two paths through the generator's output alone.
/// </summary>
public class SyntaxFastPathTests
{
    /// <summary>Declares a type named like the attribute where no job can see it: every method is then bound.</summary>
    private const string BindEverything = "namespace Unrelated { internal sealed class ScheduledAction { } }";

    [Fact]
    public void Registry_read_from_syntax_is_the_one_binding_gives_for_every_shape_it_reads()
    {
        var compilation = Compiler.Create("""
            namespace Shop.Jobs
            {
                public interface IClock { }
                public interface IStore { }

                public sealed class Nightly
                {
                    public Nightly(IClock clock, IStore store) { }
                    internal Nightly(IClock clock) { }
                    private Nightly() { }

                    [ScheduledAction("0 3 * * *", Id = "nightly", TimeZone = "Europe/Paris", Timeout = 30, Retries = 2, RetryDelay = 5, RetryOnTimeout = true, AllowOverlap = true, Exclusive = false, Enabled = false, ConfigurationKey = "Jobs:Nightly")]
                    public Task Run(CancellationToken cancellationToken, ScheduledActionContext context, IStore store) => Task.CompletedTask;

                    [Carillon.ScheduledAction("@hourly", Id = "a"), global::Carillon.ScheduledActionAttribute("@daily", Id = "b")]
                    public System.Threading.Tasks.ValueTask Twice(System.Threading.CancellationToken token) => default;
                }

                public static class Outer
                {
                    public class Inner
                    {
                        public Inner(Span<int> notAService, IClock clock) { }
                        protected internal Inner(IClock clock, IStore store, IStore other) { }
                        public Inner(IClock clock) { }

                        [ScheduledAction("*/5 * * * *")] public void Tick() { }
                    }

                    [ScheduledAction("@weekly", Misfire = 0)] internal static void Weekly() { }
                }
            }
            """);

        Assert.Equal(GeneratedTexts(compilation.AddSyntaxTrees(Tree(BindEverything))), GeneratedTexts(compilation));
        Assert.Equal(new[] { "nightly", "a", "b", "Inner.Tick", "Outer.Weekly" }, TaskIds(compilation));
    }

    [Fact]
    public async Task Registry_read_from_syntax_against_reference_assemblies_is_the_one_binding_gives()
    {
        // A build compiles against the reference pack, where Task, ValueTask and CancellationToken are each defined
        // once: the names the generator then reads without binding. (The test host's implementation assemblies define
        // them twice, so the other tests bind them.)
        var references = (await TestReferences.Net100.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).AddRange(TestReferences.Carillon);
        var compilation = CSharpCompilation.Create(
            "App",
            new[]
            {
                CSharpSyntaxTree.ParseText("global using System;\nglobal using System.Threading;\nglobal using System.Threading.Tasks;\nglobal using Carillon;\n", Compiler.ParseOptions, path: "Usings.cs"),
                CSharpSyntaxTree.ParseText("""
                    namespace Shop.Jobs;

                    public interface IClock { }

                    public sealed class Job
                    {
                        public Job(IClock clock) { }

                        [ScheduledAction("* * * * *")] public ValueTask Run(CancellationToken cancellationToken) => default;
                        [ScheduledAction("@hourly", Id = "b")] public Task Other(ScheduledActionContext context, System.Threading.CancellationToken token) => Task.CompletedTask;
                        [ScheduledAction("@daily", Id = "c")] public static System.Threading.Tasks.Task Third() => Task.CompletedTask;
                    }
                    """, Compiler.ParseOptions, path: "Source.cs"),
            },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal(GeneratedTexts(compilation.AddSyntaxTrees(Tree(BindEverything))), GeneratedTexts(compilation));
    }

    [Fact]
    public void Registry_read_from_syntax_is_the_one_binding_gives_in_a_file_scoped_namespace()
    {
        var compilation = Compiler.Create("""
            namespace Shop.Jobs;

            public sealed class Job
            {
                private readonly IServiceProvider _services;

                public Job(IServiceProvider services) => _services = services;

                [ScheduledAction("* * * * *")] public ValueTask Run(CancellationToken cancellationToken) => default;
            }
            """);

        Assert.Equal(GeneratedTexts(compilation.AddSyntaxTrees(Tree(BindEverything))), GeneratedTexts(compilation));
    }

    [Fact]
    public void Constant_cron_is_bound_and_generates_the_same_registry_as_the_literal()
    {
        var literal = Compiler.Create("""public class Jobs { [ScheduledAction("@hourly")] public void Run() { } }""");
        var constant = Compiler.Create("""public class Jobs { private const string Hourly = "@hourly"; [ScheduledAction(Hourly)] public void Run() { } }""");

        Assert.Equal(GeneratedTexts(literal), GeneratedTexts(constant));
    }

    [Fact]
    public void Attribute_through_an_alias_is_bound_and_generates_the_same_registry_as_its_name()
    {
        var named = Compiler.Create("""public class Jobs { [ScheduledAction("@hourly")] public void Run() { } }""");
        var aliased = Compiler.Create("""
            using Every = Carillon.ScheduledActionAttribute;
            public class Jobs { [Every("@hourly")] public void Run() { } }
            """);

        Assert.Equal(GeneratedTexts(named), GeneratedTexts(aliased));
    }

    [Fact]
    public void Enum_argument_is_bound_and_generates_the_same_registry_as_its_value()
    {
        var value = Compiler.Create("""public class Jobs { [ScheduledAction("@hourly", Misfire = 0)] public void Run() { } }""");
        var member = Compiler.Create("""public class Jobs { [ScheduledAction("@hourly", Misfire = (MisfirePolicy)0)] public void Run() { } }""");

        Assert.Equal(GeneratedTexts(value), GeneratedTexts(member));
    }

    [Fact]
    public void Attribute_named_like_Carillons_in_a_referenced_library_is_not_mistaken_for_it()
    {
        // Inside namespace Lib.Jobs, [ScheduledAction] finds Lib.ScheduledActionAttribute (an enclosing namespace)
        // before the imported Carillon one: it is not Carillon's attribute, and nothing is scheduled.
        var library = Compiler.Create(
            "namespace Lib { public sealed class ScheduledActionAttribute : System.Attribute { public ScheduledActionAttribute(string cron) { } } }",
            assemblyName: "Lib");
        var compilation = Compiler.Create(
            """namespace Lib.Jobs { public class Jobs { [ScheduledAction("@hourly")] public void Run() { } } }""",
            references: new[] { MetadataReference.CreateFromImage(Compiler.Emit(library)) });

        Assert.Empty(TaskIds(compilation));
    }

    [Fact]
    public void Return_type_named_ValueTask_in_the_method_namespace_is_not_mistaken_for_the_framework_one()
    {
        var compilation = Compiler.Create("""
            namespace Shop
            {
                public struct ValueTask { }
                public class Jobs { [ScheduledAction("@hourly")] public ValueTask Run() => default; [ScheduledAction("@daily")] public void Tidy() { } }
            }
            """);

        Assert.Equal(new[] { "Jobs.Tidy" }, TaskIds(compilation));
    }

    [Fact]
    public void Parameter_type_named_CancellationToken_in_a_referenced_library_is_resolved_as_a_service()
    {
        var library = Compiler.Create("namespace Lib { public sealed class CancellationToken { } }", assemblyName: "Lib");
        var compilation = Compiler.Create(
            """namespace Lib.Jobs { public class Jobs { [ScheduledAction("@hourly")] public static void Run(CancellationToken token) { } } }""",
            references: new[] { MetadataReference.CreateFromImage(Compiler.Emit(library)) });

        var (_, run) = Compiler.Generate(compilation);

        Assert.Contains("Service<global::Lib.CancellationToken>(services)", Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Service_type_whose_name_two_types_share_is_the_one_binding_finds()
    {
        // Lib.IClock (in an enclosing namespace) hides Shop.IClock, which the file imports: a name two types share is bound.
        var library = Compiler.Create("namespace Lib { public interface IClock { } }", assemblyName: "Lib");
        var compilation = Compiler.Create(
            """
            using Shop;
            namespace Shop { public interface IClock { } }
            namespace Lib.Jobs
            {
                public static class Jobs { [ScheduledAction("@hourly")] public static void Run(IClock clock) { } }
            }
            """,
            references: new[] { MetadataReference.CreateFromImage(Compiler.Emit(library)) });

        var (_, run) = Compiler.Generate(compilation);

        Assert.Contains("global::Lib.Jobs.Jobs.Run(Service<global::Lib.IClock>(services))", Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Service_type_written_qualified_is_the_one_binding_finds()
    {
        var compilation = Compiler.Create("""
            namespace Shop.Services { public interface IClock { } }
            namespace Shop.Jobs { public class Jobs { public Jobs(Shop.Services.IClock clock) { } [ScheduledAction("@hourly")] public void Run() { } } }
            """);

        Assert.Equal(GeneratedTexts(compilation.AddSyntaxTrees(Tree(BindEverything))), GeneratedTexts(compilation));
    }

    private static SyntaxTree Tree(string source) => CSharpSyntaxTree.ParseText(source, Compiler.ParseOptions, path: "Unrelated.cs");

    private static string[] GeneratedTexts(CSharpCompilation compilation)
    {
        var (_, run) = Compiler.Generate(compilation);
        return new[] { Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), Compiler.GeneratedText(run, "ServiceCollectionExtensions.g.cs") };
    }

    private static string[] TaskIds(CSharpCompilation compilation)
    {
        var (output, _) = Compiler.Generate(compilation);
        return Compiler.LoadOwnRegistry(output).Tasks.Select(t => t.Id).ToArray();
    }
}
