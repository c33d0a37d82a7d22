using Carillon.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Carillon.Tests.Recurring;

public sealed class GroupProtocolConfigTests
{
    private static ConsumerConfig Build(ConsumerGroupProtocol protocol, Action<CarillonOptions>? configure = null)
    {
        var options = new CarillonOptions { BootstrapServers = "localhost:9092" };
        configure?.Invoke(options);
        return new KafkaClientFactory(Options.Create(options)).Consumer(
            c =>
            {
                c.SessionTimeoutMs = 6000;
                c.HeartbeatIntervalMs = 600;
                c.PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin;
            },
            protocol);
    }

    [Fact]
    public void Classic_keeps_the_client_side_session_heartbeat_and_strategy()
    {
        var config = Build(ConsumerGroupProtocol.Classic);
        Assert.Null(config.GroupProtocol);
        Assert.Equal(6000, config.SessionTimeoutMs);
        Assert.Equal(600, config.HeartbeatIntervalMs);
        Assert.Equal(PartitionAssignmentStrategy.RoundRobin, config.PartitionAssignmentStrategy);
    }

    [Fact]
    public void Consumer_protocol_leaves_session_heartbeat_and_assignment_to_the_broker()
    {
        var config = Build(ConsumerGroupProtocol.Consumer);
        Assert.Equal(GroupProtocol.Consumer, config.GroupProtocol);
        Assert.Null(config.SessionTimeoutMs);
        Assert.Null(config.HeartbeatIntervalMs);
        Assert.Null(config.PartitionAssignmentStrategy);
    }

    [Fact]
    public void A_group_protocol_in_the_user_properties_wins_and_user_values_are_kept()
    {
        var config = Build(ConsumerGroupProtocol.Classic, o =>
        {
            o.Kafka["group.protocol"] = "consumer";
            o.Kafka["group.remote.assignor"] = "uniform";
        });
        Assert.Equal(GroupProtocol.Consumer, config.GroupProtocol);
        Assert.Null(config.SessionTimeoutMs);
        Assert.Equal("uniform", config.GroupRemoteAssignor);

        var classic = Build(ConsumerGroupProtocol.Consumer, o => o.Kafka["group.protocol"] = "classic");
        Assert.Equal(GroupProtocol.Classic, classic.GroupProtocol);
        Assert.Equal(6000, classic.SessionTimeoutMs);
    }
}
