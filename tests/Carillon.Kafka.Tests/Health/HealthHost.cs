using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Kafka.Tests.Health;

/// <summary>
/// A Carillon host with no tasks whose only Kafka work is the application publishing delayed messages, its log lines
/// captured and its health checks read through <see cref="HealthCheckService"/>.
/// </summary>
internal sealed class HealthHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _publishes = [];

    private HealthHost(IHost host, CapturingLoggerProvider logs)
    {
        _host = host;
        Logs = logs;
    }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<HealthHost> StartAsync(string bootstrapServers, Action<CarillonOptions>? configure = null)
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", []), o =>
        {
            o.BootstrapServers = bootstrapServers;
            o.InstanceId = "health";

            // A message for an unreachable cluster fails after 5 s instead of holding the host's stop for 300 s.
            o.Kafka["message.timeout.ms"] = "5000";
            configure?.Invoke(o);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new HealthHost(host, logs);
    }

    /// <summary>Publishes one delayed message in the background, as the application would.</summary>
    public Task PublishAsync()
    {
        var publisher = _host.Services.GetRequiredService<IDelayedMessagePublisher>();
        var publish = publisher.ScheduleAsync("orders", null, [1], null, DateTimeOffset.UtcNow.AddHours(1), cancellationToken: _stopping.Token);
        _publishes.Add(publish);
        return publish;
    }

    public async Task<HealthReportEntry> CheckAsync(string name)
    {
        var report = await _host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == name);
        return report.Entries[name];
    }

    /// <summary>Polls a check until it reports <paramref name="status"/>; the failure names the last result.</summary>
    public async Task<HealthReportEntry> EventuallyAsync(string check, HealthStatus status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var entry = await CheckAsync(check);
            if (entry.Status == status)
            {
                return entry;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{check} did not become {status} in {timeout}; last: {entry.Status} ({entry.Description})");
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var publish in _publishes)
        {
            try
            {
                await publish;
            }
            catch (Exception e) when (e is OperationCanceledException or Confluent.Kafka.KafkaException)
            {
            }
        }

        await _host.StopAsync();
        _host.Dispose();
        _stopping.Dispose();
    }
}
