using System.Text;
using Carillon.Kafka.Tests.Health;
using Carillon.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Carillon.Kafka.Tests.Delayed;

/// <summary>
/// The default group protocol (Auto, issue 14) on brokers that refuse the consumer protocol (KIP-848): the embedded
/// broker answers ConsumerGroupHeartbeat (API key 68) with UNSUPPORTED_VERSION, as a Kafka broker with the protocol
/// disabled does, and the owners carry on with the classic protocol.
/// </summary>
public sealed class GroupProtocolFallbackTests
{
    private const string FallbackLog = "refused the consumer group protocol";

    [Fact]
    public async Task Ownership_falls_back_to_the_classic_protocol_when_the_brokers_refuse_the_consumer_protocol()
    {
        using var kit = new DelayedTestKit("orders");
        kit.Kafka.InjectRequestErrors(KafkaApiKey.ConsumerGroupHeartbeat, [.. Enumerable.Repeat(ErrorCode.UnsupportedVersion, 20)]);
        var logs = new CapturingLoggerProvider();
        using var host = await StartHostAsync(kit, logs);

        var publisher = host.Services.GetRequiredService<IDelayedMessagePublisher>();
        await publisher.ScheduleAsync("orders", Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes("dispatched"), [], DateTimeOffset.UtcNow);

        var got = kit.ReadUntil("orders", r => r.Count >= 1, TimeSpan.FromSeconds(120));
        Assert.Equal("dispatched", DelayedTestKit.Text(Assert.Single(got).Message.Value));
        var fallback = Assert.Single(logs.Lines, l => l.Message.Contains(FallbackLog, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, fallback.Level);
        await host.StopAsync();
    }

    [Fact]
    public async Task An_explicit_consumer_protocol_is_kept_when_the_brokers_refuse_it()
    {
        using var kit = new DelayedTestKit("orders");
        kit.Kafka.InjectRequestErrors(KafkaApiKey.ConsumerGroupHeartbeat, ErrorCode.UnsupportedVersion);
        var logs = new CapturingLoggerProvider();
        using var host = await StartHostAsync(kit, logs, o => o.GroupProtocol = ConsumerGroupProtocol.Consumer);

        // The refused consumer is rebuilt with the protocol the user chose, which the broker accepts again.
        var publisher = host.Services.GetRequiredService<IDelayedMessagePublisher>();
        await publisher.ScheduleAsync("orders", Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes("dispatched"), [], DateTimeOffset.UtcNow);

        Assert.Single(kit.ReadUntil("orders", r => r.Count >= 1, TimeSpan.FromSeconds(120)));
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains(FallbackLog, StringComparison.Ordinal));
        await host.StopAsync();
    }

    private static async Task<IHost> StartHostAsync(DelayedTestKit kit, CapturingLoggerProvider logs, Action<CarillonOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", []), o =>
        {
            o.BootstrapServers = kit.Kafka.BootstrapServers;
            o.ProvisionTopics = false; // the mock has no CreateTopics: the kit created them
            o.Recurring.Enabled = false;
            o.RecurringMessages.Enabled = false;
            o.SessionTimeout = DelayedTestKit.Session;
            configure?.Invoke(o);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
