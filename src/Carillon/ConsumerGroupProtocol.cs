namespace Carillon;

/// <summary>
/// The Kafka consumer group protocol of Carillon's groups (librdkafka's <c>group.protocol</c>): what each costs is in
/// docs/configuration.md, "Group protocol" (issue 14).
/// </summary>
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

    /// <summary>
    /// The fastest protocol the cluster supports: <see cref="Consumer"/>, falling back to <see cref="Classic"/> for
    /// the rest of the host's life when the brokers refuse it (the fallback is logged once). The default.
    /// </summary>
    Auto,
}
