namespace Carillon;

/// <summary>
/// Carillon settings, bound from the <c>Carillon</c> configuration section and an optional configure callback: the
/// connection settings every feature shares at the root, and one section per feature with the same shape
/// (<see cref="Recurring"/>, <see cref="Delayed"/>: <c>Enabled</c>, <c>Topic</c>, <c>Group</c>, …). Validated when
/// the host starts: a bad value stops it with a message naming the key (issue 9 §2, docs/configuration.md).
/// </summary>
public sealed class CarillonOptions
{
    /// <summary>The configuration section options bind from.</summary>
    public const string SectionName = "Carillon";

    /// <summary>
    /// Kafka bootstrap servers. When empty, an embedded in-memory Kafka starts (development only: keeps nothing).
    /// </summary>
    public string? BootstrapServers { get; set; }

    /// <summary>This instance's ID in logs and execution records; defaults to host name and process ID.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Extra librdkafka properties for every client (SASL, TLS, …), e.g. <c>Carillon:Kafka:security.protocol</c>.</summary>
    public Dictionary<string, string> Kafka { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Kafka session timeout of Carillon's consumer groups: how long a crashed instance keeps its schedule or its
    /// delayed partitions. Between 1 s and 1 h (librdkafka's range). Default 10 s.
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Group protocol of Carillon's consumer groups (the recurring-task owners, the delayed dispatchers, the
    /// recurring-messages owners). Default <see cref="ConsumerGroupProtocol.Auto"/>: KIP-848's consumer protocol on the
    /// embedded broker, classic elsewhere (set <see cref="ConsumerGroupProtocol.Consumer"/> for Kafka 4.0+). Under the consumer protocol
    /// <see cref="SessionTimeout"/> is the brokers' <c>group.consumer.session.timeout.ms</c>, not this option.
    /// A <c>group.protocol</c> entry in <see cref="Kafka"/> takes precedence, as all user-supplied librdkafka
    /// properties do.
    /// </summary>
    public ConsumerGroupProtocol GroupProtocol { get; set; } = ConsumerGroupProtocol.Auto;

    /// <summary>Whether topics are created at startup when missing (tolerated where the cluster refuses or auto-creates).</summary>
    public bool ProvisionTopics { get; set; } = true;

    /// <summary>Replication factor of provisioned topics (capped at the broker count).</summary>
    public short ReplicationFactor { get; set; } = 3;

    /// <summary>Recurring tasks (<c>Carillon:Recurring</c>).</summary>
    public RecurringOptions Recurring { get; set; } = new();

    /// <summary>Delayed messages (<c>Carillon:Delayed</c>).</summary>
    public DelayedOptions Delayed { get; set; } = new();

    /// <summary>Recurring messages defined at run time (<c>Carillon:RecurringMessages</c>).</summary>
    public RecurringMessagesOptions RecurringMessages { get; set; } = new();
}
