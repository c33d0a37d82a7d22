using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Carillon.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Carillon.Benchmarks.Recurring;

/// <summary>
/// Fire lateness measured at the method (wall clock at method entry − occurrence) of 1-second exclusive tasks run by
/// one owner on the embedded broker: every run is claimed through a Kafka transaction before it starts.
/// </summary>
public sealed class RecurringLatenessBenchmark : IBenchmark
{
    public string Name => "recurring-lateness";

    public string Description => "Fire lateness p50/p99/max of 1-second tasks (CARILLON_BENCH_SECONDS, default 150)";

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + $" on {Environment.ProcessorCount} cores";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public async Task RunAsync(TextWriter output)
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("CARILLON_BENCH_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 150;
        const int taskCount = 3;
        using var kafka = EmbeddedKafka.Start(1);
        var defaults = new CarillonOptions();
        kafka.CreateTopic(defaults.Recurring.Topic, 1);
        kafka.CreateTopic(defaults.Recurring.LogsTopic, 1);

        var lateness = new ConcurrentQueue<double>();
        var measuring = false;
        ValueTask Record(IServiceProvider _, ScheduledActionContext context, CancellationToken __)
        {
            var late = (DateTimeOffset.UtcNow - context.Occurrence).TotalMilliseconds;
            if (Volatile.Read(ref measuring) && context.Trigger == ScheduledRunTrigger.Schedule)
            {
                lateness.Enqueue(late);
            }

            return ValueTask.CompletedTask;
        }

        var registry = new ScheduleRegistry("1.0.0", Enumerable.Range(1, taskCount).Select(i =>
            new ScheduledTaskDescriptor($"bench-{i}", "* * * * * *", null, false, 0, true, true, MisfirePolicy.Skip, "1.0.0", "Bench", "Run", Record)));
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCarillon(registry, o =>
        {
            o.BootstrapServers = kafka.BootstrapServers;
            o.InstanceId = "bench";
            o.ProvisionTopics = false;
            o.SessionTimeout = TimeSpan.FromSeconds(6);
        });
        using var host = builder.Build();
        await host.StartAsync();

        output.WriteLine("machine load (1/5/15 min) at the start: " + LoadAverage());

        // Warm-up: ownership (the mock's first join waits 3 s) and JIT.
        await Task.Delay(TimeSpan.FromSeconds(8));
        Volatile.Write(ref measuring, true);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref measuring, false);
        await host.StopAsync();

        var sorted = lateness.Order().ToList();
        output.WriteLine("machine load (1/5/15 min) at the end: " + LoadAverage());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tasks: {taskCount} x every second, measured {clock.Elapsed.TotalSeconds:F0} s, runs: {sorted.Count} (expected ~{taskCount * seconds})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lateness at the method: p50 {Percentiles.Of(sorted, 50):F2} ms, p90 {Percentiles.Of(sorted, 90):F2} ms, p99 {Percentiles.Of(sorted, 99):F2} ms, max {sorted.LastOrDefault():F2} ms, min {sorted.FirstOrDefault():F2} ms"));
    }
}
