using System.Collections.Concurrent;
using Carillon.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Benchmarks.Faults;

/// <summary>
/// Issue 8, scenario B: three instances in this process (as tests/Carillon.Kafka.Tests/Recurring/RecurringNode.cs)
/// with a one-second exclusive task; every broker down for a while once the task runs steadily, then up. Counts the
/// occurrences run, run twice and missed, and when the task ran again after the cluster's return.
/// </summary>
internal static class RecurringOutageScenario
{
    private const string TaskId = "tick";
    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(10);

    public static async Task<RecurringOutageResult> RunAsync(FaultOptions options, TimeSpan outage)
    {
        using var kafka = EmbeddedKafka.Start(options.Brokers);
        var defaults = new CarillonOptions();
        kafka.CreateTopic(defaults.Recurring.Topic, 1, options.Brokers);
        kafka.CreateTopic(defaults.Recurring.LogsTopic, 1, options.Brokers);
        var runs = new ConcurrentQueue<Run>();
        var logs = new List<EventLog>();
        var hosts = new List<IHost>();
        for (var i = 1; i <= 3; i++)
        {
            var log = new EventLog($"node-{i}", options.Verbose);
            logs.Add(log);
            hosts.Add(await StartNodeAsync(kafka, $"node-{i}", runs, log));
        }

        await DelayedOutageScenario.WaitAsync(() => !runs.IsEmpty, TimeSpan.FromSeconds(60));
        await Task.Delay(Steady);
        var (down, up) = await ClusterOutage.RunAsync(kafka, outage);

        // A fixed window after the return, not "until the first run": a task may run once and stall after (a takeover
        // that follows later), and duplicates show up around takeovers.
        await DelayedOutageScenario.DelayUntil(up + TimeSpan.FromSeconds(options.RecurringObserve));

        var observedEnd = DateTimeOffset.UtcNow;
        var all = runs.ToArray();
        var stops = await Task.WhenAll(hosts.Select(h => HostLifetime.StopAsync(h, TimeSpan.FromSeconds(30))));

        var occurrences = all.GroupBy(r => r.Occurrence).OrderBy(g => g.Key).ToArray();
        var firstOccurrence = occurrences.Length == 0 ? observedEnd : occurrences[0].Key;

        // Occurrences due until the end of the observation (less a second for the last one to have fired); run and
        // missed count within the same span, so that run + missed = due.
        var lastDue = new DateTimeOffset(observedEnd.UtcTicks - (observedEnd.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(-1);
        var due = Math.Max(0, (int)(lastDue - firstOccurrence).TotalSeconds + 1);

        // Consecutive occurrences not run between two runs (or after the last run, if the task never ran again).
        var longestGap = occurrences.Length == 0
            ? due
            : occurrences.Select(g => g.Key).Zip(occurrences.Select(g => g.Key).Skip(1).Append(lastDue.AddSeconds(1)), (a, b) => (int)(b - a).TotalSeconds - 1).Max();
        var resumed = all.Where(r => r.At > up).OrderBy(r => r.At).FirstOrDefault();
        return new RecurringOutageResult(
            outage,
            Due: due,
            Run: occurrences.Count(g => g.Key <= lastDue),
            RunTwice: occurrences.Count(g => g.Count() > 1),
            Missed: due - occurrences.Count(g => g.Key <= lastDue),
            LongestGap: longestGap,
            MisfireRuns: all.Count(r => r.Trigger == ScheduledRunTrigger.Misfire),
            RunsDuringOutage: all.Count(r => r.At >= down && r.At <= up),
            ObservedAfterReturn: observedEnd - up,
            TimeToResume: resumed is null ? null : resumed.At - up,
            OwnerBefore: all.Where(r => r.At < down).Select(r => r.Instance).LastOrDefault() ?? "-",
            OwnerAfter: resumed?.Instance ?? "-",
            StoppedInTime: stops.Count(s => s is not null),
            LogAfterReturn: string.Join(" | ", logs.Select((l, i) => $"node-{i + 1}: {DelayedOutageScenario.Summarize(l.Events.Where(e => e.At > up && e.At <= observedEnd))}")));
    }

    private static async Task<IHost> StartNodeAsync(EmbeddedKafka kafka, string instanceId, ConcurrentQueue<Run> runs, EventLog log)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(log);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.AddCarillon(Registry(runs), o =>
        {
            // As RecurringNode: 6 s session, no dispatcher.
            o.BootstrapServers = kafka.BootstrapServers;
            o.InstanceId = instanceId;
            o.SessionTimeout = TimeSpan.FromSeconds(6);
            o.ProvisionTopics = false;
            o.Delayed.Enabled = false;
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    // One exclusive every-second task, as RecurringNode.Registry.
    private static ScheduleRegistry Registry(ConcurrentQueue<Run> runs)
        => new("1.0.0", [new ScheduledTaskDescriptor(
            TaskId, "* * * * * *", null, false, 0, exclusive: true, enabled: true, MisfirePolicy.RunOnce, "1.0.0", "Faults.Jobs", TaskId,
            (_, ctx, _) =>
            {
                runs.Enqueue(new Run(ctx.InstanceId, ctx.Occurrence, ctx.Trigger, DateTimeOffset.UtcNow));
                return ValueTask.CompletedTask;
            })]);

    private sealed record Run(string Instance, DateTimeOffset Occurrence, ScheduledRunTrigger Trigger, DateTimeOffset At);
}

internal sealed record RecurringOutageResult(
    TimeSpan Outage,
    int Due,
    int Run,
    int RunTwice,
    int Missed,
    int LongestGap,
    int MisfireRuns,
    int RunsDuringOutage,
    TimeSpan ObservedAfterReturn,
    TimeSpan? TimeToResume,
    string OwnerBefore,
    string OwnerAfter,
    int StoppedInTime,
    string LogAfterReturn);
