using Carillon.Kafka.Tests.Support;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Embedded;

public sealed class StandaloneBrokerTests
{
    [Fact]
    public async Task The_cli_broker_prints_its_bootstrap_first_and_serves_other_processes()
    {
        using var broker = await StandaloneBroker.StartAsync(brokers: 1, "shared:2");

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(30));

        Assert.Equal(2, metadata.Topics.Single(t => t.Topic == "shared").Partitions.Count);
        Assert.Equal(6, metadata.Topics.Single(t => t.Topic == "carillon_delayed").Partitions.Count);
        Assert.Single(metadata.Topics.Single(t => t.Topic == "carillon_schedules").Partitions);
    }
}
