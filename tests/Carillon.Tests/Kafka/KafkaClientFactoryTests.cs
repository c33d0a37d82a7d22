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

    // Issue 14: librdkafka makes the sticky window twice linger.ms; the delayed dispatcher's linger.ms 100 sent each
    // worker's whole transaction of keyless targets to one partition for 200 ms.
    [Fact]
    public void A_linger_Carillon_raised_leaves_the_sticky_partition_window_at_librdkafkas_default()
    {
        var clients = new KafkaClientFactory(Options.Create(new CarillonOptions { BootstrapServers = "broker:9092" }));

        var config = clients.Producer(c => c.LingerMs = 100);

        Assert.Equal(100, config.LingerMs);
        Assert.Equal(10, config.StickyPartitioningLingerMs);
    }

    [Fact]
    public void A_linger_at_or_below_librdkafkas_default_keeps_the_window_librdkafka_derives_from_it()
    {
        var clients = new KafkaClientFactory(Options.Create(new CarillonOptions { BootstrapServers = "broker:9092" }));

        Assert.Null(clients.Producer(c => c.LingerMs = 5).StickyPartitioningLingerMs);
        Assert.Null(clients.Producer(c => c.LingerMs = 1).StickyPartitioningLingerMs);
        Assert.Null(clients.Producer().StickyPartitioningLingerMs);
    }

    [Fact]
    public void A_sticky_partition_window_the_user_set_wins_over_the_one_Carillon_keeps()
    {
        var options = new CarillonOptions { BootstrapServers = "broker:9092" };
        options.Kafka["sticky.partitioning.linger.ms"] = "250";
        var clients = new KafkaClientFactory(Options.Create(options));

        var config = clients.Producer(c => c.LingerMs = 100);

        Assert.Equal(250, config.StickyPartitioningLingerMs);
    }
}
