using System.Diagnostics;
using Carillon.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Carillon.Tests.Testing;

/// <summary>The time-travel kit (issue 13), tested by using it: a hand-written registry and services, no Kafka.</summary>
public sealed class ScheduleSimulatorTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset NewYear = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_year_of_a_minutely_task_runs_every_occurrence_once_in_order()
    {
        var count = 0L;
        var last = DateTimeOffset.MinValue;
        var ordered = true;
        var task = Task("minutely", "* * * * *", (_, ctx, _) =>
        {
            ordered &= ctx.Occurrence > last;
            last = ctx.Occurrence;
            Interlocked.Increment(ref count);
            return ValueTask.CompletedTask;
        });
        await using var sim = ScheduleSimulator.Start(NewYear, s => s.AddSingleton<IScheduleRegistry>(new ScheduleRegistry("1.0.0", [task])));

        var watch = Stopwatch.StartNew();
        var outcomes = await sim.AdvanceToAsync(NewYear.AddYears(1));
        watch.Stop();

        output.WriteLine($"Simulated one year of a minutely task ({count:N0} runs) in {watch.Elapsed.TotalSeconds:F2} s ({watch.Elapsed.TotalMicroseconds / Math.Max(1, count):F1} µs per occurrence).");
        Assert.Equal(525_600, count);
        Assert.True(ordered);
        Assert.Equal(525_600, outcomes.Count(o => o.Outcome == ScheduledRunOutcome.Succeeded));
    }

    private static ScheduledTaskDescriptor Task(string id, string cron, ScheduledTaskInvoker invoker, string? timeZone = null, bool allowOverlap = false, int timeout = 0, MisfirePolicy misfire = MisfirePolicy.RunOnce)
        => new(id, cron, timeZone, allowOverlap, timeout, exclusive: true, enabled: true, misfire, "1.0.0", "Tests.Jobs", id, invoker);
}
