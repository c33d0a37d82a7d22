namespace Carillon.Benchmarks.Delayed;

/// <summary>Only the dispatch-rate phase of <see cref="DelayedBenchmark"/>: the 1 M load phase takes minutes.</summary>
public sealed class DelayedDispatchBenchmark : IBenchmark
{
    public string Name => "delayed-dispatch";

    public string Description => "Delayed messages: dispatch vs. raw produce only";

    public Task RunAsync(TextWriter output) => DelayedBenchmark.DispatchAsync(output);
}

/// <summary>The dispatch-rate phase with 1 KiB values, over 64 partitions to stay under the mock's 5 MB-per-partition cap.</summary>
public sealed class DelayedDispatchLargeBenchmark : IBenchmark
{
    public string Name => "delayed-dispatch-1k";

    public string Description => "Delayed messages: dispatch vs. raw produce, 1 KiB values";

    public Task RunAsync(TextWriter output) => DelayedBenchmark.DispatchAsync(output, valueBytes: 1024, partitions: 64);
}

/// <summary>Issue 14: dispatch against its floor at 64 B, 1 KiB and 16 KiB values, with GC pauses and allocations of both.</summary>
public sealed class DelayedDispatchSizesBenchmark : IBenchmark
{
    public string Name => "delayed-dispatch-sizes";

    public string Description => "Delayed messages: dispatch vs. its floor at 64 B, 1 KiB and 16 KiB values, GC and allocations";

    public Task RunAsync(TextWriter output) => DelayedBenchmark.DispatchSizesAsync(output);
}

/// <summary>What target + tombstone pairs cost librdkafka by header count, against raw produce.</summary>
public sealed class DelayedHeadersBenchmark : IBenchmark
{
    public string Name => "delayed-headers";

    public string Description => "Delayed messages: transactional target + tombstone pairs by header count";

    public Task RunAsync(TextWriter output) => DelayedBenchmark.HeadersAsync(output);
}

/// <summary>Only the load phase of <see cref="DelayedBenchmark"/> (1 M pending records).</summary>
public sealed class DelayedLoadBenchmark : IBenchmark
{
    public string Name => "delayed-load";

    public string Description => "Delayed messages: load of 1 M pending records vs. raw consume, memory";

    public Task RunAsync(TextWriter output) => DelayedBenchmark.LoadAsync(output);
}

/// <summary>Only the lateness phase of <see cref="DelayedBenchmark"/>.</summary>
public sealed class DelayedLatenessBenchmark : IBenchmark
{
    public string Name => "delayed-lateness";

    public string Description => "Delayed messages: dispatch lateness only";

    public Task RunAsync(TextWriter output) => DelayedBenchmark.LatenessAsync(output);
}
