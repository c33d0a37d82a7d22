using Carillon.Embedded;
using Carillon.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Carillon.Tests.Recurring;

public sealed class GroupProtocolConfigTests
{
    private static readonly Error s_refusal = new(ErrorCode.UnsupportedVersion, "ConsumerGroupHeartbeat fatal error: Broker: Unsupported version", isFatal: true);

    private static ConsumerConfig Build(ConsumerGroupProtocol protocol, Action<CarillonOptions>? configure = null)
        => Build(Factory(configure), protocol);

    private static KafkaClientFactory Factory(Action<CarillonOptions>? configure = null, string servers = "localhost:9092")
    {
        var options = new CarillonOptions { BootstrapServers = servers };
        configure?.Invoke(options);
        return new KafkaClientFactory(Options.Create(options));
    }

    private static ConsumerConfig Build(KafkaClientFactory factory, ConsumerGroupProtocol protocol)
        => factory.Consumer(
            c =>
            {
                c.SessionTimeoutMs = 6000;
                c.HeartbeatIntervalMs = 600;
                c.PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin;
            },
            protocol);

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

    [Fact]
    public void Auto_is_the_default_and_uses_the_consumer_protocol_on_an_embedded_cluster()
    {
        using var cluster = EmbeddedCluster.Start();
        var factory = Factory(servers: cluster.BootstrapServers);

        Assert.Equal(GroupProtocol.Consumer, Build(factory, new CarillonOptions().GroupProtocol).GroupProtocol);
        Assert.Equal(GroupProtocol.Consumer, Build(factory, new CarillonOptions().Recurring.GroupProtocol).GroupProtocol);
    }

    [Fact]
    public void Auto_uses_the_classic_protocol_on_a_cluster_carillon_does_not_know()
    {
        // A broker without KIP-848 leaves a consumer-protocol member unjoined without an error (docs/configuration.md).
        var config = Build(Factory(), ConsumerGroupProtocol.Auto);

        Assert.Null(config.GroupProtocol);
        Assert.Equal(6000, config.SessionTimeoutMs);
    }

    [Fact]
    public void Auto_uses_the_classic_protocol_once_the_embedded_cluster_at_those_servers_is_gone()
    {
        string servers;
        using (var cluster = EmbeddedCluster.Start())
        {
            servers = cluster.BootstrapServers;
        }

        Assert.Null(Build(Factory(servers: servers), ConsumerGroupProtocol.Auto).GroupProtocol);
    }

    [Fact]
    public void Auto_uses_the_classic_protocol_with_its_client_settings_once_a_broker_refused_the_consumer_protocol()
    {
        using var cluster = EmbeddedCluster.Start();
        var factory = Factory(servers: cluster.BootstrapServers);

        Assert.True(factory.GroupProtocols.FallBackOnRefusal(ConsumerGroupProtocol.Auto, s_refusal));
        var config = Build(factory, ConsumerGroupProtocol.Auto);
        Assert.Null(config.GroupProtocol);
        Assert.Equal(6000, config.SessionTimeoutMs);
        Assert.Equal(PartitionAssignmentStrategy.RoundRobin, config.PartitionAssignmentStrategy);
    }

    [Fact]
    public void An_explicit_consumer_protocol_is_kept_after_a_refusal()
    {
        var factory = Factory(o => o.GroupProtocol = ConsumerGroupProtocol.Consumer);

        Assert.False(factory.GroupProtocols.FallBackOnRefusal(ConsumerGroupProtocol.Auto, s_refusal));
        Assert.Equal(GroupProtocol.Consumer, Build(factory, ConsumerGroupProtocol.Auto).GroupProtocol);
    }

    [Fact]
    public void A_non_fatal_unsupported_version_is_not_a_refusal_of_the_protocol()
    {
        using var cluster = EmbeddedCluster.Start();
        var factory = Factory(servers: cluster.BootstrapServers);

        Assert.False(factory.GroupProtocols.FallBackOnRefusal(ConsumerGroupProtocol.Auto, new Error(ErrorCode.UnsupportedVersion, "Broker: Unsupported version")));
        Assert.Equal(GroupProtocol.Consumer, Build(factory, ConsumerGroupProtocol.Auto).GroupProtocol);
    }

    [Fact]
    public void The_schedules_group_follows_the_root_protocol_unless_it_names_its_own()
    {
        var factory = Factory(o => o.GroupProtocol = ConsumerGroupProtocol.Classic);

        Assert.Null(Build(factory, new CarillonOptions().Recurring.GroupProtocol).GroupProtocol);
        Assert.Equal(GroupProtocol.Consumer, Build(factory, ConsumerGroupProtocol.Consumer).GroupProtocol);
    }
}
