using System.Collections.Concurrent;
using Carillon.Kafka.Tests.Recurring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Carillon.Kafka.Tests.Embedded;

public sealed class DevelopmentDefaultTests
{
    [Fact]
    public async Task With_no_bootstrap_servers_an_embedded_broker_starts_and_runs_the_schedule()
    {
        var runs = new ConcurrentQueue<ObservedRun>();
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCarillon(RecurringNode.Registry(runs, "1.0.0", "tick"), o => o.InstanceId = "dev");
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await KafkaTestKit.EventuallyAsync(() => runs.Any(r => r.Instance == "dev"), "a run on the embedded broker", TimeSpan.FromSeconds(60));

            // Every options scope post-configures again: the embedded broker must not try to create its topics twice.
            using var first = host.Services.CreateScope();
            using var second = host.Services.CreateScope();
            var servers = first.ServiceProvider.GetRequiredService<IOptionsSnapshot<CarillonOptions>>().Value.BootstrapServers;
            Assert.Equal(servers, second.ServiceProvider.GetRequiredService<IOptionsSnapshot<CarillonOptions>>().Value.BootstrapServers);
            Assert.StartsWith("127.0.0.1:", servers);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
