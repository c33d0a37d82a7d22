using Carillon.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Generators.Tests.Generator;

/// <summary>A library compiled with the generator, referenced as metadata by an application: merge and duplicate checks.</summary>
public class CrossAssemblyTests
{
    private static (MetadataReference Reference, byte[] Image) Library(string name, string source)
    {
        var (output, _) = Compiler.Generate(Compiler.Create(source, assemblyName: name));
        var image = Compiler.Emit(output);
        return (MetadataReference.CreateFromImage(image), image);
    }

    [Fact]
    public void Library_declares_its_registry_and_ids_in_an_assembly_attribute()
    {
        var (output, _) = Compiler.Generate(Compiler.Create("""public static class Billing { [ScheduledAction("* * * * *")] public static void Charge() { } }""", assemblyName: "Billing.Lib"));
        var attribute = Assert.Single(output.Assembly.GetAttributes(), a => a.AttributeClass?.Name == "ScheduleRegistryAttribute");
        Assert.Equal("Carillon.Generated.Billing_LibScheduleRegistry", ((INamedTypeSymbol)attribute.ConstructorArguments[0].Value!).ToDisplayString());
        Assert.Equal(new[] { "Billing.Charge" }, attribute.ConstructorArguments[1].Values.Select(v => (string)v.Value!));
    }

    [Fact]
    public void Application_registry_lists_own_tasks_then_referenced_libraries_tasks()
    {
        var lib = Library("Billing", """public static class Billing { [ScheduledAction("* * * * *")] public static void Charge() { } }""");
        var (output, _) = Compiler.Generate(Compiler.Create("""
            [assembly: ScheduleVersion("5.0.0")]
            public static class App { [ScheduledAction("* * * * *")] public static void Tick() { } }
            """, references: new[] { lib.Reference }));
        var assembly = Compiler.Load(Compiler.Emit(output), lib.Image);

        var services = new ServiceCollection();
        InvocationTests.AddGeneratedSchedules(assembly, services);
        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<IScheduleRegistry>();
        Assert.Equal(new[] { "App.Tick", "Billing.Charge" }, registry.Tasks.Select(t => t.Id));
        Assert.Equal("5.0.0", registry.Version);
    }

    [Fact]
    public void AddGeneratedSchedules_registers_the_declaring_types_of_libraries_instance_tasks_as_scoped()
    {
        var lib = Library("Billing", """public class Billing { [ScheduledAction("* * * * *")] public void Charge() { } }""");
        var (output, _) = Compiler.Generate(Compiler.Create("public class Empty { }", references: new[] { lib.Reference }));
        var assembly = Compiler.Load(Compiler.Emit(output), lib.Image);

        var services = new ServiceCollection();
        InvocationTests.AddGeneratedSchedules(assembly, services);

        var registration = Assert.Single(services, d => d.ServiceType.FullName == "Billing");
        Assert.Equal(ServiceLifetime.Scoped, registration.Lifetime);
    }

    [Fact]
    public void Library_registry_lists_only_its_own_tasks_so_an_application_never_lists_them_twice()
    {
        var core = Library("Core", """public static class Core { [ScheduledAction("* * * * *")] public static void A() { } }""");
        var (featureOutput, _) = Compiler.Generate(Compiler.Create(
            """public static class Feature { [ScheduledAction("* * * * *")] public static void B() { } }""",
            assemblyName: "Feature",
            references: new[] { core.Reference }));
        var featureImage = Compiler.Emit(featureOutput);
        var (appOutput, _) = Compiler.Generate(Compiler.Create("public class Empty { }", references: new[] { core.Reference, MetadataReference.CreateFromImage(featureImage) }));
        var assembly = Compiler.Load(Compiler.Emit(appOutput), core.Image, featureImage);

        var services = new ServiceCollection();
        InvocationTests.AddGeneratedSchedules(assembly, services);
        using var provider = services.BuildServiceProvider();
        Assert.Equal(new[] { "Core.A", "Feature.B" }, provider.GetRequiredService<IScheduleRegistry>().Tasks.Select(t => t.Id));
    }

    [Fact]
    public async Task Id_declared_in_the_application_and_a_library_is_CRL002_in_the_application()
    {
        var lib = Library("Billing", """public static class Jobs { [ScheduledAction("* * * * *", Id = "charge")] public static void Charge() { } }""");
        var source = """public static class App { [ScheduledAction("* * * * *", Id = "charge")] public static void Tick() { } }""";
        var (output, _) = Compiler.Generate(Compiler.Create(source, references: new[] { lib.Reference }));

        var diagnostic = Assert.Single(await Compiler.DiagnosticsAsync(output), d => d.Id == "CRL002");
        Assert.Equal("\"charge\"", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Contains("Billing", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Id_declared_in_two_libraries_is_CRL002_in_the_application()
    {
        var first = Library("First", """public static class Jobs { [ScheduledAction("* * * * *", Id = "same")] public static void A() { } }""");
        var second = Library("Second", """public static class Jobs { [ScheduledAction("* * * * *", Id = "same")] public static void B() { } }""");
        var (output, _) = Compiler.Generate(Compiler.Create("public class Empty { }", references: new[] { first.Reference, second.Reference }));

        var diagnostic = Assert.Single(await Compiler.DiagnosticsAsync(output), d => d.Id == "CRL002");
        Assert.Equal(Location.None, diagnostic.Location);
        Assert.Contains("First, Second", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Distinct_ids_across_assemblies_are_accepted()
    {
        var lib = Library("Billing", """public static class Jobs { [ScheduledAction("* * * * *", Id = "charge")] public static void Charge() { } }""");
        var (output, _) = Compiler.Generate(Compiler.Create("""public static class App { [ScheduledAction("* * * * *")] public static void Tick() { } }""", references: new[] { lib.Reference }));
        Assert.Empty((await Compiler.DiagnosticsAsync(output)).Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}
