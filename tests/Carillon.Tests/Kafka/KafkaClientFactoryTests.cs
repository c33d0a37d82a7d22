using Carillon.Kafka;
using Carillon.Kafka.Health;
using Microsoft.Extensions.Options;

namespace Carillon.Tests.Kafka;

public sealed class KafkaClientFactoryTests
{
    [Fact]
    public void Built_clients_emit_the_statistics_that_tell_connectivity_a_broker_is_back()
    {
        var clients = new KafkaClientFactory(Options.Create(new CarillonOptions { BootstrapServers = "broker:9092" }));
        var config = clients.Producer();

        clients.CreateProducerBuilder<byte[], byte[]>(config);

        Assert.Equal(KafkaConnectivity.StatisticsIntervalMs, config.StatisticsIntervalMs);
    }

    [Fact]
    public void A_statistics_interval_the_user_set_wins()
    {
        var options = new CarillonOptions { BootstrapServers = "broker:9092" };
        options.Kafka["statistics.interval.ms"] = "500";
        var clients = new KafkaClientFactory(Options.Create(options));
        var config = clients.Consumer(c => c.GroupId = "g");

        clients.CreateConsumerBuilder<byte[], byte[]>(config);

        Assert.Equal(500, config.StatisticsIntervalMs);
    }
}
