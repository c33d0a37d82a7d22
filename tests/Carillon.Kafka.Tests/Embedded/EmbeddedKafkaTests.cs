using Carillon.Testing;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Embedded;

public sealed class EmbeddedKafkaTests
{
    [Fact]
    public async Task A_message_produced_over_tcp_is_consumed_back()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("roundtrip", partitions: 3);

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        await producer.ProduceAsync("roundtrip", new Message<string, string> { Key = "k", Value = "hello" });

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "roundtrip-test",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10,
        }).Build();
        consumer.Subscribe("roundtrip");
        var result = consumer.Consume(TimeSpan.FromSeconds(30));

        Assert.NotNull(result);
        Assert.Equal("hello", result.Message.Value);
        Assert.StartsWith("127.0.0.1:", kafka.BootstrapServers);
    }

    [Fact]
    public void A_topic_created_with_a_partition_count_reports_it_in_metadata()
    {
        using var kafka = EmbeddedKafka.Start(brokers: 3);
        kafka.CreateTopic("six", partitions: 6, replicationFactor: 3);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata("six", TimeSpan.FromSeconds(30));

        Assert.Equal(6, metadata.Topics.Single().Partitions.Count);
        Assert.Equal(3, metadata.Brokers.Count);
    }

    [Fact]
    public async Task Injected_produce_errors_reach_the_client()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("errors", partitions: 1);
        kafka.InjectRequestErrors(KafkaApiKey.Produce, ErrorCode.TopicAuthorizationFailed);

        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, MessageSendMaxRetries = 0 }).Build();
        var error = await Assert.ThrowsAsync<ProduceException<Null, string>>(() => producer.ProduceAsync("errors", new Message<Null, string> { Value = "x" }));

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.Error.Code);
    }
}
