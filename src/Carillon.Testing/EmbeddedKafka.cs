using Carillon.Embedded;

namespace Carillon.Testing;

/// <summary>
/// An in-memory Kafka cluster (librdkafka's mock cluster) that speaks the real protocol on loopback TCP.
/// Point any Kafka client at <see cref="BootstrapServers"/>. Nothing is persisted; for tests and local work only.
/// </summary>
/// <remarks>Built on the runtime's public <see cref="EmbeddedCluster"/> (one native layer, no access to internals).</remarks>
public sealed class EmbeddedKafka : IDisposable
{
    private readonly EmbeddedCluster _cluster;

    private EmbeddedKafka(EmbeddedCluster cluster) => _cluster = cluster;

    /// <summary>Starts a cluster with <paramref name="brokers"/> brokers (IDs 1..n).</summary>
    public static EmbeddedKafka Start(int brokers = 1) => new(EmbeddedCluster.Start(brokers));

    /// <summary>The bootstrap servers string, e.g. <c>127.0.0.1:40123</c>.</summary>
    public string BootstrapServers => _cluster.BootstrapServers;

    /// <summary>The number of brokers.</summary>
    public int BrokerCount => _cluster.BrokerCount;

    /// <summary>Creates a topic with an explicit partition count (topics are otherwise auto-created on first use).</summary>
    public void CreateTopic(string topic, int partitions = 1, int replicationFactor = 1) => _cluster.CreateTopic(topic, partitions, replicationFactor);

    /// <summary>Takes a broker down: its connections are closed and new ones refused.</summary>
    public void SetBrokerDown(int brokerId) => _cluster.SetBrokerDown(brokerId);

    /// <summary>Brings a broker back up.</summary>
    public void SetBrokerUp(int brokerId) => _cluster.SetBrokerUp(brokerId);

    /// <summary>Makes the next requests of a Kafka API fail with the given errors, one per request.</summary>
    public void InjectRequestErrors(KafkaApiKey api, params Confluent.Kafka.ErrorCode[] errors)
        => _cluster.PushRequestErrors((short)api, errors.Select(e => (int)e).ToArray());

    /// <summary>Removes errors injected for an API that were not consumed yet.</summary>
    public void ClearRequestErrors(KafkaApiKey api) => _cluster.ClearRequestErrors((short)api);

    /// <summary>
    /// Session timeout of groups using the consumer protocol (KIP-848, <c>group.protocol=consumer</c>), where the broker
    /// owns it (<c>group.consumer.session.timeout.ms</c>). Classic-protocol groups keep using their clients' setting.
    /// </summary>
    public void SetConsumerGroupSessionTimeout(TimeSpan timeout) => _cluster.SetConsumerGroupSessionTimeout(timeout);

    /// <summary>Heartbeat interval the broker gives consumer-protocol (KIP-848) members (<c>group.consumer.heartbeat.interval.ms</c>).</summary>
    public void SetConsumerGroupHeartbeatInterval(TimeSpan interval) => _cluster.SetConsumerGroupHeartbeatInterval(interval);

    /// <summary>Stops the cluster.</summary>
    public void Dispose() => _cluster.Dispose();
}

/// <summary>Kafka protocol API keys, for error injection.</summary>
public enum KafkaApiKey : short
{
    /// <summary>Produce (0).</summary>
    Produce = 0,
    /// <summary>Fetch (1).</summary>
    Fetch = 1,
    /// <summary>ListOffsets (2).</summary>
    ListOffsets = 2,
    /// <summary>Metadata (3).</summary>
    Metadata = 3,
    /// <summary>OffsetCommit (8).</summary>
    OffsetCommit = 8,
    /// <summary>OffsetFetch (9).</summary>
    OffsetFetch = 9,
    /// <summary>FindCoordinator (10).</summary>
    FindCoordinator = 10,
    /// <summary>JoinGroup (11), classic group protocol.</summary>
    JoinGroup = 11,
    /// <summary>Heartbeat (12), classic group protocol.</summary>
    Heartbeat = 12,
    /// <summary>LeaveGroup (13), classic group protocol.</summary>
    LeaveGroup = 13,
    /// <summary>SyncGroup (14), classic group protocol.</summary>
    SyncGroup = 14,
    /// <summary>InitProducerId (22), which starts a transactional producer.</summary>
    InitProducerId = 22,
    /// <summary>AddPartitionsToTxn (24).</summary>
    AddPartitionsToTxn = 24,
    /// <summary>AddOffsetsToTxn (25).</summary>
    AddOffsetsToTxn = 25,
    /// <summary>EndTxn (26): commit or abort of a transaction.</summary>
    EndTxn = 26,
    /// <summary>TxnOffsetCommit (28).</summary>
    TxnOffsetCommit = 28,
    /// <summary>ConsumerGroupHeartbeat (68), consumer group protocol (KIP-848).</summary>
    ConsumerGroupHeartbeat = 68,
}
