using Carillon.Kafka;
using Carillon.Recurring.Scheduling;
using Carillon.Recurring.State;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.Recurring.Local;

/// <summary>
/// Runs <c>Exclusive = false</c> tasks on every instance from local timers, whatever the schedule ownership: no claims,
/// the attribute's <c>Enabled</c> applies, outcomes are still written to the logs topic.
/// </summary>
internal sealed class LocalTaskService(
    KafkaClientFactory clients,
    IOptions<CarillonOptions> carillonOptions,
    TopicProvisioner provisioner,
    IScheduleRegistry registry,
    IServiceProvider services,
    TimeProvider time,
    ILogger<LocalTaskService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = carillonOptions.Value;
        var tasks = registry.Tasks.Where(t => !t.Exclusive).ToList();
        if (!options.Recurring.Enabled || tasks.Count == 0)
        {
            return;
        }

        await provisioner.EnsureAsync(stoppingToken).ConfigureAwait(false);
        using var producer = clients.CreateProducerBuilder<byte[], byte[]>(clients.Producer(c => c.LingerMs = 5)).Build();
        var engine = new ScheduleEngine(
            new EngineSettings(options.InstanceId, registry.Version, TimeSpan.Zero),
            tasks,
            new ScheduleState(),
            new LogOnlyLedger(producer, options.Recurring.LogsTopic),
            services,
            time,
            logger);
        engine.Start();
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await engine.StopAsync(cancelRuns: true, options.Recurring.ShutdownGracePeriod).ConfigureAwait(false);
        producer.Flush(TimeSpan.FromSeconds(2));
    }
}
