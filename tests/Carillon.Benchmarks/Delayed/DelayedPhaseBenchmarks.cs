namespace Carillon.Benchmarks.Delayed;

/// <summary>Only the dispatch-rate phase of <see cref="DelayedBenchmark"/>: the 1 M load phase takes minutes.</summary>
public sealed class DelayedDispatchBenchmark : IBenchmark
{
    public string Name => "delayed-dispatch";

    public string Description => "Delayed messages: dispatch vs. raw produce only";

    public Task RunAsync(TextWriter output) => DelayedBenchmark.DispatchAsync(output);
}

/// <summary>Only the lateness phase of <see cref="DelayedBenchmark"/>.</summary>
public sealed class DelayedLatenessBenchmark : IBenchmark
{
    public string Name => "delayed-lateness";

    public string Description => "Delayed messages: dispatch lateness only";

    public Task RunAsync(TextWriter output) => DelayedBenchmark.LatenessAsync(output);
}
