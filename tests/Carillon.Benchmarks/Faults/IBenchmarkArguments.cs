namespace Carillon.Benchmarks.Faults;

/// <summary>A benchmark that reads options from the command line (given after its name).</summary>
public interface IBenchmarkArguments
{
    void SetArguments(IReadOnlyList<string> args);
}
