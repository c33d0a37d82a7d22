using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Generators.Benchmarks;

/// <summary>
/// (c) Startup: <c>AddGeneratedSchedules()</c> + resolving the registry, versus a reflection scan of the same assembly
/// for <c>[ScheduledAction]</c> methods building equivalent descriptors. "Cold" is the first call in a fresh load
/// context (what an application pays at startup, JIT included); "warm" is the median of repeated calls.
/// </summary>
internal static class StartupBenchmark
{
    public static void Run(IReadOnlyList<string> sources, IReadOnlyList<string> warmUpSources, int runs, TextWriter output)
    {
        // Warm the code both paths share (DI container, ScheduleRegistry, reflection and loader paths) on a small
        // assembly, so each cold figure below is what 1,000 tasks add, not first use of the framework.
        var warmUp = Compile(warmUpSources, "BenchWarmUp");
        Generated(Load(warmUp), warmUpSources.Count - 1);
        Reflection(Load(warmUp), warmUpSources.Count - 1);

        var image = Compile(sources, "BenchStartup");
        var expected = 1000;
        var reflectionCold = Measure.Once(() => Reflection(Load(image), expected));
        var generatedCold = Measure.Once(() => Generated(Load(image), expected));
        var registryAssembly = Load(image);
        var registryCold = Measure.Once(() => Activator.CreateInstance(registryAssembly.GetType("Carillon.Generated.BenchStartupScheduleRegistry")!));
        var generatedAssembly = Load(image);
        var reflectionAssembly = Load(image);
        var warm = Measure.MedianSetMilliseconds(runs, () => Generated(generatedAssembly, expected), () => Reflection(reflectionAssembly, expected));
        var (generatedWarm, reflectionWarm) = (warm[0], warm[1]);

        output.WriteLine($"| (c) AddGeneratedSchedules + resolve registry, cold (first call) | {generatedCold:F1} ms |");
        output.WriteLine($"| (c) reflection scan for [ScheduledAction], cold (first call) | {reflectionCold:F1} ms |");
        output.WriteLine($"| (c) of which: constructing the generated registry alone, cold (JIT of the descriptor list) | {registryCold:F1} ms |");
        output.WriteLine($"| (c) AddGeneratedSchedules + resolve registry, warm (median) | {generatedWarm:F2} ms |");
        output.WriteLine($"| (c) reflection scan, warm (median) | {reflectionWarm:F2} ms |");
    }

    private static byte[] Compile(IReadOnlyList<string> sources, string name)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            name,
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parse, path: $"File{i}.cs")),
            BenchReferences.Runtime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        CSharpGeneratorDriver.Create(new[] { new ScheduleGenerator().AsSourceGenerator() }, parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var withGenerated, out _);
        using var stream = new MemoryStream();
        var emit = withGenerated.Emit(stream);
        if (!emit.Success)
        {
            throw new InvalidOperationException(string.Join("\n", emit.Diagnostics.Take(5)));
        }

        return stream.ToArray();
    }

    private static Assembly Load(byte[] image)
        => new AssemblyLoadContext("bench-" + Guid.NewGuid().ToString("N"), isCollectible: false).LoadFromStream(new MemoryStream(image));

    private static void Generated(Assembly assembly, int expected)
    {
        var services = new ServiceCollection();
        var add = assembly.GetType("Microsoft.Extensions.DependencyInjection.CarillonGeneratedScheduleExtensions")!
            .GetMethod("AddGeneratedSchedules", BindingFlags.Public | BindingFlags.Static, new[] { typeof(IServiceCollection) })!;
        add.Invoke(null, new object[] { services });
        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<IScheduleRegistry>();
        if (registry.Tasks.Count != expected)
        {
            throw new InvalidOperationException($"expected {expected} tasks, got {registry.Tasks.Count}");
        }
    }

    /// <summary>What a reflection-based library would do: scan, read the attribute, bind an invoker per method.</summary>
    private static void Reflection(Assembly assembly, int expected)
    {
        var tasks = new List<ScheduledTaskDescriptor>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var attribute = method.GetCustomAttribute<ScheduledActionAttribute>();
                if (attribute is null)
                {
                    continue;
                }

                var target = method;
                var declaring = type;
                var parameters = method.GetParameters();
                tasks.Add(new ScheduledTaskDescriptor(
                    attribute.Id ?? type.Name + "." + method.Name, attribute.Cron, attribute.TimeZone, attribute.AllowOverlap, attribute.Timeout,
                    attribute.Exclusive, attribute.Enabled, attribute.Misfire, "0.0.0", type.FullName!, method.Name,
                    (services, context, ct) =>
                    {
                        var instance = target.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, declaring);
                        var args = parameters.Select(p => p.ParameterType == typeof(CancellationToken) ? ct : p.ParameterType == typeof(ScheduledActionContext) ? context : services.GetRequiredService(p.ParameterType)).ToArray();
                        var result = target.Invoke(instance, args);
                        return result is Task task ? new ValueTask(task) : result is ValueTask valueTask ? valueTask : default;
                    }));
            }
        }

        var services = new ServiceCollection();
        services.AddSingleton<IScheduleRegistry>(new ScheduleRegistry("0.0.0", tasks));
        using var provider = services.BuildServiceProvider();
        if (provider.GetRequiredService<IScheduleRegistry>().Tasks.Count != expected)
        {
            throw new InvalidOperationException($"expected {expected} tasks");
        }
    }
}
