using System.Collections.Concurrent;
using Carillon.Recurring.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Kafka.Tests.Recurring;

/// <summary>A run seen by a test task.</summary>
public sealed record ObservedRun(string Instance, string TaskId, DateTimeOffset Occurrence, ScheduledRunTrigger Trigger, DateTimeOffset FiredAt);

/// <summary>One application instance (a host with the Carillon runtime) inside the test process.</summary>
public sealed class RecurringNode : IAsyncDisposable
{
    private RecurringNode(IHost host, string instanceId)
    {
        Host = host;
        InstanceId = instanceId;
    }

    public IHost Host { get; }

    public string InstanceId { get; }

    internal RecurringStatus Status => Host.Services.GetRequiredService<RecurringStatus>();

    public IScheduleCommands Commands => Host.Services.GetRequiredService<IScheduleCommands>();

    public bool Stopped { get; private set; }

    /// <summary>A registry of 1-second exclusive tasks that record their runs into <paramref name="runs"/>.</summary>
    public static IScheduleRegistry Registry(ConcurrentQueue<ObservedRun> runs, string version = "1.0.0", params string[] taskIds)
        => new ScheduleRegistry(version, (taskIds.Length == 0 ? ["tick"] : taskIds).Select(id => new ScheduledTaskDescriptor(
            id, "* * * * * *", null, false, 0, exclusive: true, enabled: true, MisfirePolicy.RunOnce, version, "Tests.Jobs", id,
            (_, ctx, _) =>
            {
                runs.Enqueue(new ObservedRun(ctx.InstanceId, ctx.TaskId, ctx.Occurrence, ctx.Trigger, ctx.FiredAt));
                return ValueTask.CompletedTask;
            })));

    public static async Task<RecurringNode> StartAsync(string bootstrapServers, string instanceId, IScheduleRegistry registry, Action<CarillonOptions>? configure = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCarillon(registry, o =>
        {
            o.BootstrapServers = bootstrapServers;
            o.InstanceId = instanceId;
            o.SessionTimeout = TimeSpan.FromSeconds(6);
            o.ProvisionTopics = false;
            o.Delayed.Enabled = false;
            configure?.Invoke(o);
        });
        if (Environment.GetEnvironmentVariable("CARILLON_TEST_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        var host = builder.Build();
        await host.StartAsync();
        return new RecurringNode(host, instanceId);
    }

    public async Task StopAsync()
    {
        if (!Stopped)
        {
            Stopped = true;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Host.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Host.Dispose();
    }
}
