using Carillon.Kafka.Health;

namespace Carillon.Tests.Kafka;

public sealed class BrokerStatisticsTests
{
    [Theory]
    [InlineData("""{"name":"a","brokers":{"b:9092/1":{"name":"b:9092/1","source":"learned","state":"UP","toppars":{"t-0":{"topic":"t"}}}}}""", true)]
    [InlineData("""{"brokers":{"b:9092/bootstrap":{"state":"UP","source":"configured"}},"cgrp":{"state":"up"}}""", true)]
    [InlineData("""{"brokers":{"b:9092/bootstrap":{"source":"configured","state":"INIT"},"b:9092/1":{"source":"learned","state":"DOWN"}}}""", false)]
    [InlineData("""{"brokers":{":0/internal":{"source":"internal","state":"UP"},"GroupCoordinator":{"source":"logical","state":"UP"}},"cgrp":{"state":"up"}}""", false)]
    [InlineData("""{"topics":{"t":{"partitions":{"0":{"state":"UP"}}}}}""", false)]
    [InlineData("""not json""", false)]
    public void A_broker_counts_as_up_only_when_it_is_a_real_connection_in_state_UP(string json, bool up)
        => Assert.Equal(up, BrokerStatistics.AnyBrokerUp(json));
}
