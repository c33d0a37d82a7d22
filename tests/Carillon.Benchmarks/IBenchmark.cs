namespace Carillon.Benchmarks;

/// <summary>A bench program section that measures and prints its figures (never asserts on time).</summary>
public interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    Task RunAsync(TextWriter output);
}
