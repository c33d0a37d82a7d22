namespace Carillon;

/// <summary>
/// Carillon settings, bound from the <c>Carillon</c> configuration section and an optional configure callback.
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

    /// <summary>Consumer group of the schedule owners; also the base of the transactional ID.</summary>
    public string SchedulesGroup { get; set; } = "carillon_schedules";

    /// <summary>Single-partition topic holding schedule state and commands.</summary>
    public string SchedulesTopic { get; set; } = "carillon_schedules";

    /// <summary>Topic receiving one execution record per run outcome.</summary>
    public string LogsTopic { get; set; } = "carillon_logs";

    /// <summary>Kafka session timeout of the schedules group: how long a crashed owner keeps its tasks.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether the recurring-task executor runs in this instance.</summary>
    public bool EnableScheduler { get; set; } = true;

    /// <summary>Recurring-task executor tuning.</summary>
    public RecurringOptions Recurring { get; set; } = new();

    /// <summary>Delayed-message settings.</summary>
    public DelayedMessageOptions Delayed { get; set; } = new();

    /// <summary>Whether topics are created at startup when missing (tolerated where the cluster refuses or auto-creates).</summary>
    public bool ProvisionTopics { get; set; } = true;

    /// <summary>Replication factor of provisioned topics (capped at the broker count).</summary>
    public short ReplicationFactor { get; set; } = 3;
}

/// <summary>Delayed-message publisher and dispatcher settings.</summary>
public sealed class DelayedMessageOptions
{
    /// <summary>Whether the dispatcher runs in this instance (the publisher is always available).</summary>
    public bool EnableDispatcher { get; set; } = true;

    /// <summary>Topic holding scheduled messages.</summary>
    public string Topic { get; set; } = "carillon_delayed";

    /// <summary>Partitions of the delayed topic when Carillon creates it.</summary>
    public int Partitions { get; set; } = 6;

    /// <summary>Consumer group of the dispatchers.</summary>
    public string Group { get; set; } = "carillon_delayed";

    /// <summary>Dead-letter topic for invalid or too-late records.</summary>
    public string DeadLetterTopic { get; set; } = "carillon_delayed_dlq";

    /// <summary>Optional history topic receiving a record per dispatch; null (the default) disables it.</summary>
    public string? HistoryTopic { get; set; }

    /// <summary>Only records due within this horizon are held in memory; the partition is re-scanned as it moves.</summary>
    public TimeSpan LoadHorizon { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Records later than this past their due time go to the dead-letter topic; null (the default): none.</summary>
    public TimeSpan? MaxLateness { get; set; }

    /// <summary>
    /// Records due further ahead than this (from when the dispatcher reads them) go to the dead-letter topic
    /// (<c>deliver-at-out-of-range</c>): a due time in year 9999 is a mistake or an attack, not a schedule. Default 10 years.
    /// </summary>
    public TimeSpan MaxDeliverAhead { get; set; } = TimeSpan.FromDays(3653);

    /// <summary>
    /// When not empty, the only topics the dispatcher delivers to; records for any other topic go to the dead-letter
    /// topic (<c>target-topic-not-allowed</c>). Carillon's own topics are never a target, whatever this says.
    /// </summary>
    public IList<string> AllowedTargetTopics { get; set; } = [];
}
