using Carillon.Benchmarks;
using Carillon.Benchmarks.Faults;

// Each benchmark is a class implementing IBenchmark; `dotnet run -c Release --project tests/Carillon.Benchmarks -- <name>`.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

var selected = args.Length == 0 ? [] : benchmarks.Where(b => args.Contains(b.Name, StringComparer.OrdinalIgnoreCase)).ToList();
if (selected.Count == 0)
{
    Console.WriteLine("usage: Carillon.Benchmarks <name>...   (all: every benchmark)");
    foreach (var b in benchmarks)
    {
        Console.WriteLine($"  {b.Name,-24} {b.Description}");
    }

    if (!args.Contains("all", StringComparer.OrdinalIgnoreCase))
    {
        return args.Length == 0 ? 0 : 1;
    }

    selected = benchmarks;
}

foreach (var benchmark in selected)
{
    // Options (`--name=value`) go to the benchmarks that take them, e.g. `faults --scenario=delayed --outages=2`.
    (benchmark as IBenchmarkArguments)?.SetArguments(args);
    Console.WriteLine($"== {benchmark.Name}: {benchmark.Description}");
    await benchmark.RunAsync(Console.Out);
}

return 0;
