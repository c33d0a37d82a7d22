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
    /// The fastest protocol Carillon knows the cluster supports, the default: <see cref="Consumer"/> on an embedded
    /// cluster (the development broker, <c>Carillon.Testing</c>'s), falling back to <see cref="Classic"/> for the
    /// rest of the host's life if the brokers refuse it (logged once); <see cref="Classic"/> on any other cluster,
    /// because a broker that does not advertise KIP-848 leaves a consumer-protocol member unjoined without an error.
    /// Set <see cref="Consumer"/> for a Kafka 4.0+ cluster.
    /// </summary>
    Auto,
}
