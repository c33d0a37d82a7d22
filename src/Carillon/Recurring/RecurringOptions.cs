namespace Carillon;

/// <summary>Recurring-task settings (<c>Carillon:Recurring</c>).</summary>
public sealed class RecurringOptions
{
    /// <summary>Whether recurring tasks run in this instance (<see cref="IScheduleCommands"/> works either way). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Single-partition topic holding schedule state and commands.</summary>
    public string Topic { get; set; } = "carillon_schedules";

    /// <summary>Consumer group of the schedule owners; also the base of the transactional ID.</summary>
    public string Group { get; set; } = "carillon_schedules";

    /// <summary>Topic receiving one execution record per run outcome.</summary>
    public string LogsTopic { get; set; } = "carillon_logs";

    /// <summary>
    /// How long before an occurrence its claim is written, so that the claim's transaction is committed and the
    /// method still starts on time. Default 200 ms.
    /// </summary>
    public TimeSpan ClaimLead { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A state snapshot is re-written after this many state records, keeping replay short. Default 200.</summary>
    public int SnapshotEveryRecords { get; set; } = 200;

    /// <summary>A state snapshot is re-written at least this often while records are written. Default 5 minutes.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>On shutdown, how long runs in progress get to finish (their token is cancelled first). Default 2 s.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Heartbeat interval of the schedules group; null: a tenth of the session timeout (fast rebalances). Classic
    /// protocol only: with <see cref="ConsumerGroupProtocol.Consumer"/> the broker sets it.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>
    /// Group protocol of the schedules group. Default <see cref="ConsumerGroupProtocol.Auto"/>: the one of
    /// <see cref="CarillonOptions.GroupProtocol"/> (<c>Carillon:GroupProtocol</c>), which every Carillon group follows;
    /// set <see cref="ConsumerGroupProtocol.Classic"/> or <see cref="ConsumerGroupProtocol.Consumer"/> here to give
    /// the schedules group its own. A <c>group.protocol</c> entry in <see cref="CarillonOptions.Kafka"/> takes
    /// precedence, as all user-supplied librdkafka properties do.
    /// </summary>
    public ConsumerGroupProtocol GroupProtocol { get; set; } = ConsumerGroupProtocol.Auto;
}
