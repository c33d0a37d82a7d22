using System.Reflection;
using Carillon.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Generators.Tests.Generator;

/// <summary>Compiles generated code, loads it and runs tasks through the registry: the call is real, not reflection.</summary>
public class InvocationTests
{
    private const string Probe = "Carillon.Generators.Tests.Generator.GeneratorProbe";

    [Fact]
    public async Task Static_method_is_invoked_with_context_and_cancellation_token()
    {
        var key = Guid.NewGuid().ToString("N");
        var registry = BuildRegistry($$"""
            public static class Jobs
            {
                [ScheduledAction("* * * * *")]
                public static void Run(ScheduledActionContext context, CancellationToken ct) => {{Probe}}.Record("{{key}}:" + context.TaskId + ":" + ct.CanBeCanceled);
            }
            """, out _);

        using var provider = new ServiceCollection().BuildServiceProvider();
        using var cts = new CancellationTokenSource();
        await registry.Tasks.Single().InvokeAsync(provider, cts.Token);
        Assert.Contains($"{key}:Jobs.Run:True", GeneratorProbe.Calls);
    }

    [Fact]
    public async Task Unregistered_instance_type_is_created_with_constructor_dependencies_from_services()
    {
        var key = Guid.NewGuid().ToString("N");
        var registry = BuildRegistry($$"""
            public sealed class Greeting { public string Text => "hello"; }
            public class Jobs
            {
                private readonly Greeting _greeting;
                public Jobs() : this(new Greeting()) { }
                public Jobs(Greeting greeting) => _greeting = greeting;
                [ScheduledAction("* * * * *")]
                public Task Run() { {{Probe}}.Record("{{key}}:" + _greeting.Text); return Task.CompletedTask; }
            }
            """, out var assembly);

        var services = new ServiceCollection();
        services.AddSingleton(assembly.GetType("Greeting")!);
        using var provider = services.BuildServiceProvider();
        await registry.Tasks.Single().InvokeAsync(provider, CancellationToken.None);
        Assert.Contains($"{key}:hello", GeneratorProbe.Calls);
    }

    [Fact]
    public async Task Registered_instance_is_taken_from_services()
    {
        var key = Guid.NewGuid().ToString("N");
        var registry = BuildRegistry($$"""
            public class Jobs
            {
                public string Name { get; set; } = "new";
                [ScheduledAction("* * * * *")]
                public ValueTask Run(string suffix) { {{Probe}}.Record("{{key}}:" + Name + suffix); return default; }
            }
            """, out var assembly);

        var type = assembly.GetType("Jobs")!;
        var instance = Activator.CreateInstance(type)!;
        type.GetProperty("Name")!.SetValue(instance, "registered");
        var services = new ServiceCollection().AddSingleton(type, instance).AddSingleton("!");
        using var provider = services.BuildServiceProvider();
        await registry.Tasks.Single().InvokeAsync(provider, CancellationToken.None);
        Assert.Contains($"{key}:registered!", GeneratorProbe.Calls);
    }

    [Fact]
    public async Task Instance_task_runs_on_its_scopes_own_instance_which_the_scope_disposes()
    {
        var key = Guid.NewGuid().ToString("N");
        var registry = BuildRegistry($$"""
            public sealed class Jobs : System.IDisposable
            {
                private static int s_next;
                private readonly int _number = System.Threading.Interlocked.Increment(ref s_next);
                [ScheduledAction("* * * * *")]
                public void Run() => {{Probe}}.Record("{{key}}:run:" + _number);
                public void Dispose() => {{Probe}}.Record("{{key}}:disposed:" + _number);
            }
            """, out var assembly);

        var services = new ServiceCollection();
        AddGeneratedSchedules(assembly, services);
        using var provider = services.BuildServiceProvider();
        var task = registry.Tasks.Single();
        using (var scope = provider.CreateScope())
        {
            await task.InvokeAsync(scope.ServiceProvider, CancellationToken.None);
            await task.InvokeAsync(scope.ServiceProvider, CancellationToken.None);
        }

        using (var scope = provider.CreateScope())
        {
            await task.InvokeAsync(scope.ServiceProvider, CancellationToken.None);
        }

        Assert.Equal(
            new[] { "run:1", "run:1", "disposed:1", "run:2", "disposed:2" },
            GeneratorProbe.Calls.Where(c => c.StartsWith(key, StringComparison.Ordinal)).Select(c => c[(key.Length + 1)..]));
    }

    [Fact]
    public async Task Optional_service_parameter_gets_null_when_not_registered()
    {
        var key = Guid.NewGuid().ToString("N");
        var registry = BuildRegistry($$"""
            public interface IMissing { }
            public static class Jobs
            {
                [ScheduledAction("* * * * *")]
                public static void Run(IMissing? missing) => {{Probe}}.Record("{{key}}:" + (missing is null));
            }
            """, out _);

        using var provider = new ServiceCollection().BuildServiceProvider();
        await registry.Tasks.Single().InvokeAsync(provider, CancellationToken.None);
        Assert.Contains($"{key}:True", GeneratorProbe.Calls);
    }

    [Fact]
    public async Task Method_and_type_named_with_keywords_are_called_with_escaped_identifiers()
    {
        var key = Guid.NewGuid().ToString("N");
        var registry = BuildRegistry($$"""
            namespace @namespace
            {
                public class @class
                {
                    [ScheduledAction("* * * * *")]
                    public void @event() => {{Probe}}.Record("{{key}}:event");
                }
            }
            """, out _);

        using var provider = new ServiceCollection().BuildServiceProvider();
        var task = registry.Tasks.Single();
        await task.InvokeAsync(provider, CancellationToken.None);
        Assert.Contains($"{key}:event", GeneratorProbe.Calls);
        Assert.Equal(("class.event", "event", "namespace.class"), (task.Id, task.MethodName, task.DeclaringType));
    }

    [Fact]
    public async Task Every_task_of_a_registry_dispatched_in_several_blocks_calls_its_own_method()
    {
        // 70 tasks: more than one dispatch block of 32 (issue 14), static and instance methods alternating by class.
        var key = Guid.NewGuid().ToString("N");
        var source = new System.Text.StringBuilder();
        for (var c = 0; c < 7; c++)
        {
            var isStatic = c % 2 == 0 ? "static " : string.Empty;
            source.Append($"public {isStatic}class Jobs{c}\n{{\n");
            for (var m = 0; m < 10; m++)
            {
                source.Append($$"""    [ScheduledAction("* * * * *")] public {{isStatic}}void Run{{m}}() => {{Probe}}.Record("{{key}}:Jobs{{c}}.Run{{m}}");""").Append('\n');
            }

            source.Append("}\n");
        }

        var registry = BuildRegistry(source.ToString(), out _);
        using var provider = new ServiceCollection().BuildServiceProvider();
        foreach (var task in registry.Tasks)
        {
            await task.InvokeAsync(provider, CancellationToken.None);
        }

        var calls = GeneratorProbe.Calls.Where(c => c.StartsWith(key, StringComparison.Ordinal)).ToList();
        Assert.Equal(registry.Tasks.Select(t => key + ":" + t.Id), calls);
        Assert.Equal(70, calls.Count);
    }

    [Fact]
    public void Descriptor_carries_every_attribute_value_and_the_nearest_version()
    {
        var registry = BuildRegistry("""
            [assembly: ScheduleVersion("3.0.0")]
            [ScheduleVersion("3.1.0")]
            public class Outer
            {
                public class Jobs
                {
                    [ScheduledAction("0 2 * * *", Id = "x", AllowOverlap = true, Timeout = 90, Exclusive = false, Enabled = false, TimeZone = "Europe/Paris", Misfire = MisfirePolicy.Skip)]
                    public void Run() { }
                }
            }
            """, out _);

        var task = registry.Tasks.Single();
        Assert.Equal("3.0.0", registry.Version);
        Assert.Equal(("x", "0 2 * * *", "Europe/Paris", true, TimeSpan.FromSeconds(90), false, false, MisfirePolicy.Skip, "3.1.0", "Outer.Jobs", "Run"),
            (task.Id, task.Cron, task.TimeZone, task.AllowOverlap, task.Timeout, task.Exclusive, task.Enabled, task.Misfire, task.Version, task.DeclaringType, task.MethodName));
    }

    [Fact]
    public void Defaults_are_applied_when_the_attribute_sets_nothing()
    {
        var registry = BuildRegistry("""public class Jobs { [ScheduledAction("@hourly")] public void Run() { } }""", out _);
        var task = registry.Tasks.Single();
        Assert.Equal(("Jobs.Run", "UTC", false, (TimeSpan?)null, true, true, MisfirePolicy.RunOnce, "0.0.0"),
            (task.Id, task.TimeZone, task.AllowOverlap, task.Timeout, task.Exclusive, task.Enabled, task.Misfire, task.Version));
        Assert.Equal("0.0.0", registry.Version);
    }

    [Fact]
    public void Retry_policy_of_the_attribute_reaches_the_descriptor_and_tasks_without_one_keep_the_defaults()
    {
        var registry = BuildRegistry("""
            public class Jobs
            {
                [ScheduledAction("@hourly", Retries = 3, RetryDelay = 30, RetryOnTimeout = true)] public void Retried() { }
                [ScheduledAction("@hourly")] public void Plain() { }
            }
            """, out _);
        var retried = registry.Tasks.Single(t => t.Id == "Jobs.Retried");
        var plain = registry.Tasks.Single(t => t.Id == "Jobs.Plain");
        Assert.Equal((3, TimeSpan.FromSeconds(30), true, "Retried"), (retried.Retries, retried.RetryDelay, retried.RetryOnTimeout, retried.MethodName));
        Assert.Equal((0, TimeSpan.FromSeconds(10), false), (plain.Retries, plain.RetryDelay, plain.RetryOnTimeout));
    }

    [Fact]
    public void Tasks_are_listed_in_declaration_order_and_found_by_id()
    {
        var registry = BuildRegistry("""
            public static class B { [ScheduledAction("* * * * *")] public static void Second() { } [ScheduledAction("* * * * *")] public static void Third() { } }
            public static class A { [ScheduledAction("* * * * *")] public static void Fourth() { } }
            """, out _, "public static class Z { [ScheduledAction(\"* * * * *\")] public static void First() { } }");

        Assert.Equal(new[] { "Z.First", "B.Second", "B.Third", "A.Fourth" }, registry.Tasks.Select(t => t.Id));
        Assert.True(registry.TryGetTask("B.Third", out var found));
        Assert.Equal("Third", found.MethodName);
    }

    [Fact]
    public void AddGeneratedSchedules_makes_the_registry_resolvable_and_registers_instance_types()
    {
        BuildRegistry("""public class Jobs { [ScheduledAction("* * * * *")] public void Run() { } }""", out var assembly);
        var services = new ServiceCollection();
        AddGeneratedSchedules(assembly, services);
        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<IScheduleRegistry>();
        Assert.Equal("Jobs.Run", registry.Tasks.Single().Id);
        using var scope = provider.CreateScope();
        Assert.NotNull(scope.ServiceProvider.GetService(assembly.GetType("Jobs")!));
    }

    [Fact]
    public void AddGeneratedSchedules_with_runtime_delegates_to_AddCarillon()
    {
        var compilation = Compiler.Create(RuntimeStub.Source + """public class Jobs { [ScheduledAction("* * * * *")] public void Run() { } }""");
        var (output, _) = Compiler.Generate(compilation);
        var assembly = Compiler.Load(Compiler.Emit(output));
        var services = new ServiceCollection();
        AddGeneratedSchedules(assembly, services);
        using var provider = services.BuildServiceProvider();
        Assert.Equal("runtime-added", provider.GetRequiredService<string>());
        Assert.Single(provider.GetRequiredService<IScheduleRegistry>().Tasks);
    }

    internal static void AddGeneratedSchedules(Assembly assembly, IServiceCollection services)
    {
        var extensions = assembly.GetType("Microsoft.Extensions.DependencyInjection.CarillonGeneratedScheduleExtensions")!;
        var method = extensions.GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m => m.Name == "AddGeneratedSchedules" && m.GetParameters().Length == 1);
        method.Invoke(null, new object[] { services });
    }

    private static IScheduleRegistry BuildRegistry(string source, out Assembly assembly, string? firstFile = null)
    {
        var compilation = Compiler.Create(source, references: new[] { MetadataReference.CreateFromFile(typeof(GeneratorProbe).Assembly.Location) });
        if (firstFile is not null)
        {
            compilation = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(firstFile, Compiler.ParseOptions, path: "First.cs"));
            var trees = compilation.SyntaxTrees.ToList();
            compilation = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(trees[0], trees[2], trees[1]);
        }

        var (output, _) = Compiler.Generate(compilation);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        assembly = Compiler.Load(Compiler.Emit(output));
        var type = assembly.GetType("Carillon.Generated.AppScheduleRegistry")!;
        return (IScheduleRegistry)Activator.CreateInstance(type)!;
    }
}
