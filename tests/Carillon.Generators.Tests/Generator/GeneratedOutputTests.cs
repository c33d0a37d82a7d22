using Carillon.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Carillon.Generators.Tests.Generator;

public class GeneratedOutputTests
{
    [Fact]
    public void Registry_text_for_a_static_and_an_instance_method_is_exact()
    {
        var (_, run) = Compiler.Generate(Compiler.Create("""
            [assembly: ScheduleVersion("2.0.0")]
            namespace Shop
            {
                public class Reports
                {
                    [ScheduledAction("0 2 * * *", TimeZone = "Europe/Paris", Timeout = 60)]
                    public Task Nightly(CancellationToken cancellationToken) => Task.CompletedTask;
                }

                public static class Cleanup
                {
                    [ScheduledAction("*/10 * * * * *", Id = "cleanup", Exclusive = false, Misfire = MisfirePolicy.Skip), ScheduleVersion("2.1.0-beta")]
                    public static void Run(ScheduledActionContext context) { }
                }
            }
            """, assemblyName: "Shop.App"));

        
        Baseline.Match(Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), "StaticAndInstanceMethods.ScheduleRegistry");
    }

    [Fact]
    public void Descriptors_carry_every_attribute_value_in_declaration_order()
    {
        // The table stores strings once and numbers as integers: check what the runtime reads, field by field,
        // including values a 16-bit or boolean encoding would lose (a day-long timeout, a misfire value outside the enum).
        var (output, _) = Compiler.Generate(Compiler.Create("""
            [assembly: ScheduleVersion("2.0.0")]
            namespace Shop
            {
                public class Reports
                {
                    [ScheduledAction("0 2 * * *", TimeZone = "Europe/Paris", Timeout = 60)]
                    public Task Nightly(CancellationToken cancellationToken) => Task.CompletedTask;

                    [ScheduledAction("0 2 * * *", AllowOverlap = true, Enabled = false, Timeout = 86400, Misfire = (MisfirePolicy)7)]
                    public void @event() { }
                }

                public static class Cleanup
                {
                    [ScheduledAction("*/10 * * * * *", Id = "cleanup", Exclusive = false, Misfire = MisfirePolicy.Skip), ScheduleVersion("2.1.0-beta")]
                    public static void Run(ScheduledActionContext context) { }
                }
            }
            """, assemblyName: "Shop.App"));

        var registry = Compiler.LoadOwnRegistry(output);
        Assert.Equal("2.0.0", registry.Version);
        var actual = registry.Tasks.Select(t => (t.Id, t.Cron, t.TimeZone, t.AllowOverlap, t.Timeout, t.Exclusive, t.Enabled, t.Misfire, t.Version, t.DeclaringType, t.MethodName));
        Assert.Equal(
            new (string, string, string, bool, TimeSpan?, bool, bool, MisfirePolicy, string, string, string)[]
            {
                ("Reports.Nightly", "0 2 * * *", "Europe/Paris", false, TimeSpan.FromSeconds(60), true, true, MisfirePolicy.RunOnce, "2.0.0", "Shop.Reports", "Nightly"),
                ("Reports.event", "0 2 * * *", "UTC", true, TimeSpan.FromDays(1), true, false, (MisfirePolicy)7, "2.0.0", "Shop.Reports", "event"),
                ("cleanup", "*/10 * * * * *", "UTC", false, null, false, true, MisfirePolicy.Skip, "2.1.0-beta", "Shop.Cleanup", "Run"),
            },
            actual);
    }

    [Fact]
    public void Service_collection_extension_without_runtime_registers_the_registry_and_instance_types()
    {
        var (_, run) = Compiler.Generate(Compiler.Create("""
            public class Jobs { [ScheduledAction("* * * * *")] public void Run() { } }
            public static class StaticJobs { [ScheduledAction("* * * * *")] public static void Run() { } }
            """));

        
        Baseline.Match(Compiler.GeneratedText(run, "ServiceCollectionExtensions.g.cs"), "WithoutRuntime.ServiceCollectionExtensions");
    }

    [Fact]
    public void Service_collection_extension_with_runtime_calls_AddCarillon_with_and_without_configure()
    {
        var (output, run) = Compiler.Generate(Compiler.Create(RuntimeStub.Source + """
            public class Jobs { [ScheduledAction("* * * * *")] public void Run() { } }
            """));

        var text = Compiler.GeneratedText(run, "ServiceCollectionExtensions.g.cs");
        Baseline.Match(text, "WithRuntime.ServiceCollectionExtensions");
        Assert.Contains("=> global::Microsoft.Extensions.DependencyInjection.CarillonServiceCollectionExtensions.AddCarillon(services, new global::Carillon.Generated.AppApplicationScheduleRegistry());", text, StringComparison.Ordinal);
        Assert.Contains("global::System.Action<global::Carillon.CarillonOptions> configure)", text, StringComparison.Ordinal);
        Assert.Contains("AddCarillon(services, new global::Carillon.Generated.AppApplicationScheduleRegistry(), configure);", text, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Nothing_is_generated_when_Carillon_is_not_referenced()
    {
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "Plain",
            new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("public class C { }") },
            TestReferences.Runtime.Where(r => !r.Display!.EndsWith("Carillon.Abstractions.dll", StringComparison.Ordinal)),
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var (_, run) = Compiler.Generate(compilation);
        Assert.Empty(run.Results.Single().GeneratedSources);
    }

    [Fact]
    public void Assembly_without_scheduled_actions_gets_an_empty_registry_and_no_registry_attribute()
    {
        var (output, run) = Compiler.Generate(Compiler.Create("public class C { }"));
        Assert.DoesNotContain("ScheduleRegistryAttribute", Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Theory]
    [InlineData("""[ScheduledAction("not a cron")] public void Run() { }""")]
    [InlineData("""[ScheduledAction("* * * * *", Id = "bad id")] public void Run() { }""")]
    [InlineData("""[ScheduledAction("* * * * *", Timeout = -1)] public void Run() { }""")]
    [InlineData("""[ScheduledAction("* * * * *", Retries = -1)] public void Run() { }""")]
    [InlineData("""[ScheduledAction("* * * * *", Retries = 1, RetryDelay = -1)] public void Run() { }""")]
    [InlineData("""[ScheduledAction("* * * * *")] public int Run() => 1;""")]
    [InlineData("""[ScheduledAction("* * * * *")] public void Run<T>() { }""")]
    [InlineData("""[ScheduledAction("* * * * *")] private void Run() { }""")]
    [InlineData("""[ScheduledAction("* * * * *")] public void Run(ref int x) { }""")]
    [InlineData("""[ScheduledAction("* * * * *"), ScheduleVersion("1.0")] public void Run() { }""")]
    [InlineData("""[ScheduledAction(Undefined.Value)] public void Run() { }""")]
    public void Invalid_entry_generates_no_task_and_no_compiler_error_in_generated_code(string member)
    {
        var (output, run) = Compiler.Generate(Compiler.Create("public class Jobs { " + member + " }"));
        Assert.DoesNotContain("ScheduledTaskDescriptor(\"", Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), StringComparison.Ordinal);
        var generatedErrors = output.GetDiagnostics().Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
        Assert.Empty(generatedErrors);
    }

    [Fact]
    public void Task_with_unknown_time_zone_is_still_generated()
    {
        var (output, _) = Compiler.Generate(Compiler.Create("""public class Jobs { [ScheduledAction("* * * * *", TimeZone = "Mars/Base")] public void Run() { } }"""));
        Assert.Equal("Mars/Base", Assert.Single(Compiler.LoadOwnRegistry(output).Tasks).TimeZone);
    }

    [Fact]
    public void Strings_with_quotes_and_backslashes_are_escaped()
    {
        var (output, run) = Compiler.Generate(Compiler.Create("""
            public class Jobs { [ScheduledAction("* * * * *", TimeZone = "a\"b\\c")] public void Run() { } }
            """));
        Assert.Contains("a\\\"b\\\\c", Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal("a\"b\\c", Assert.Single(Compiler.LoadOwnRegistry(output).Tasks).TimeZone);
    }

    [Fact]
    public void Generated_code_compiles_without_warnings_when_the_project_disables_nullable()
    {
        var compilation = Compiler.Create("""
            public interface IClock { }
            public class Jobs(IClock clock) { [ScheduledAction("* * * * *")] public Task Run(IClock other, CancellationToken ct) => Task.CompletedTask; }
            """);
        compilation = compilation.WithOptions(compilation.Options.WithNullableContextOptions(Microsoft.CodeAnalysis.NullableContextOptions.Disable));
        var (output, _) = Compiler.Generate(compilation);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS9113"));
    }
}
