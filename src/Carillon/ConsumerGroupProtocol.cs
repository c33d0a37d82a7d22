namespace Carillon;

/// <summary>The Kafka consumer group protocol of Carillon's groups (librdkafka's <c>group.protocol</c>).</summary>
public enum ConsumerGroupProtocol
{
    /// <summary>
    /// The classic protocol (JoinGroup/SyncGroup), supported by every broker. The client sets the session timeout
    /// (<see cref="CarillonOptions.SessionTimeout"/>) and heartbeat interval; every membership change is a
    /// group-wide rebalance.
    /// </summary>
    Classic,

    /// <summary>
    /// The consumer protocol of KIP-848 (Kafka 4.0+ brokers, or librdkafka's mock): assignment is computed by the
    /// broker and handed out incrementally on heartbeats; session timeout and heartbeat interval are broker settings
    /// (<c>group.consumer.session.timeout.ms</c>, <c>group.consumer.heartbeat.interval.ms</c>), so
    /// <see cref="CarillonOptions.SessionTimeout"/> and <see cref="RecurringOptions.HeartbeatInterval"/> are not sent.
    /// </summary>
    Consumer,
}
