using System.Net;
using System.Net.Sockets;
using Carillon.Kafka.Health;
using Carillon.Recurring.Health;
using Carillon.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Carillon.Kafka.Tests.Health;

/// <summary>
/// What an operator sees when the cluster cannot be reached (issue 8; issue 9 §5: 6,159 lines in 90 s and a check that
/// never said Unhealthy): the checks, and the volume of the log.
/// </summary>
public sealed class KafkaHealthTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_cluster_at_a_closed_port_makes_the_kafka_check_unhealthy()
    {
        var servers = ClosedPort();
        await using var host = await HealthHost.StartAsync(servers);
        _ = host.PublishAsync();

        var entry = await host.EventuallyAsync(KafkaHealthCheck.Name, HealthStatus.Unhealthy, s_deadline);

        Assert.Contains(servers, entry.Description);
    }

    [Fact]
    public async Task A_cluster_at_a_closed_port_makes_the_recurring_check_unhealthy()
    {
        await using var host = await HealthHost.StartAsync(ClosedPort());
        _ = host.PublishAsync();

        await host.EventuallyAsync(RecurringHealthCheck.Name, HealthStatus.Unhealthy, s_deadline);
    }

    [Fact]
    public async Task A_cluster_at_a_closed_port_is_reported_by_one_error_naming_the_servers_not_a_flood()
    {
        var servers = ClosedPort();
        await using var host = await HealthHost.StartAsync(servers);
        var started = DateTime.UtcNow;
        _ = host.PublishAsync();

        // A fixed window is the measure here: librdkafka alone retries every 50 ms while a call waits.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var window = host.Logs.Lines.Where(l => l.At <= started.AddSeconds(10)).ToList();
        var loud = window.Where(l => l.Level >= LogLevel.Warning).ToList();

        Assert.True(loud.Count <= 5, "Warning+ lines in 10 s: " + string.Join(Environment.NewLine, loud.Select(l => $"{l.Level} {l.Category}: {l.Message}")));
        var first = loud.First(l => l.Level >= LogLevel.Error);
        Assert.StartsWith($"Kafka cluster at {servers} is unreachable: ", first.Message);
        Assert.Contains(window, l => l.Category == LibrdkafkaLog.Category);
    }

    [Fact]
    public async Task A_cluster_set_down_makes_the_kafka_check_unhealthy_and_healthy_again_once_it_is_back()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("carillon_delayed", 6);
        await using var host = await HealthHost.StartAsync(kafka.BootstrapServers, o => o.SessionTimeout = TimeSpan.FromSeconds(3));
        await host.PublishAsync();
        await host.EventuallyAsync(KafkaHealthCheck.Name, HealthStatus.Healthy, s_deadline);

        kafka.SetBrokerDown(1);
        await host.EventuallyAsync(KafkaHealthCheck.Name, HealthStatus.Unhealthy, s_deadline);

        kafka.SetBrokerUp(1);
        var back = await host.EventuallyAsync(KafkaHealthCheck.Name, HealthStatus.Healthy, s_deadline);

        Assert.Equal(nameof(KafkaReachabilityState.Reachable), back.Data["state"]);
        Assert.Contains(host.Logs.Lines, l => l.Level == LogLevel.Information && l.Message.StartsWith($"Kafka cluster at {kafka.BootstrapServers} is reachable again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tls_against_a_plaintext_listener_makes_the_kafka_check_unhealthy()
    {
        using var kafka = EmbeddedKafka.Start();
        await using var host = await HealthHost.StartAsync(kafka.BootstrapServers, o => o.Kafka["security.protocol"] = "SSL");
        _ = host.PublishAsync();

        var entry = await host.EventuallyAsync(KafkaHealthCheck.Name, HealthStatus.Unhealthy, s_deadline);

        Assert.Equal(nameof(KafkaReachabilityState.HandshakesFail), entry.Data["state"]);
    }

    // A port that was just free: connections to it are refused at once, as for a stopped broker.
    private static string ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }
}
