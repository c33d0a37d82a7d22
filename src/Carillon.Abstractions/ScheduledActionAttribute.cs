namespace Carillon;

/// <summary>
/// Marks a method as a recurring task. The source generator turns every marked method into an entry of the
/// compile-time schedule registry; the analyzers reject invalid cron expressions, IDs and signatures at build time.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ScheduledActionAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="cron">A cron expression Cronos accepts: 5 fields, 6 fields (seconds first) or a macro such as <c>@hourly</c>.</param>
    public ScheduledActionAttribute(string cron) => Cron = cron;

    /// <summary>The cron expression.</summary>
    public string Cron { get; }

    /// <summary>The task ID; defaults to <c>{TypeName}.{MethodName}</c>. Must match <c>^[A-Za-z0-9_.-]{1,200}$</c>.</summary>
    public string? Id { get; set; }

    /// <summary>When false (the default) an occurrence is skipped while the previous run is still executing.</summary>
    public bool AllowOverlap { get; set; }

    /// <summary>Run timeout in seconds; 0 means none. The run's cancellation token is cancelled when it elapses.</summary>
    public int Timeout { get; set; }

    /// <summary>True (the default): one instance cluster-wide runs the task. False: every instance runs it.</summary>
    public bool Exclusive { get; set; } = true;

    /// <summary>The initial enabled state. Once the task has state in Kafka, commands decide.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>IANA or Windows time-zone ID the cron expression is evaluated in; defaults to UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>
    /// A configuration key (for example <c>Schedules:NightlyReport</c>) whose value, when set, replaces <see cref="Cron"/>
    /// at startup. The configured value is validated with the same rule as the attribute's; a bad one stops the host
    /// with a message naming the key.
    /// </summary>
    public string? ConfigurationKey { get; set; }

    /// <summary>What to do with occurrences missed while no instance ran the schedule.</summary>
    public MisfirePolicy Misfire { get; set; } = MisfirePolicy.RunOnce;

    /// <summary>
    /// How many times a failed occurrence is attempted again (0, the default: never). Each retry is claimed before it
    /// starts, like the first attempt; see docs/recurring.md, "Retries".
    /// </summary>
    public int Retries { get; set; }

    /// <summary>
    /// The base delay before the first retry, in seconds (default 10). Later retries double it, with ±20 % jitter, capped
    /// at one hour (or at this delay if it is longer).
    /// </summary>
    public int RetryDelay { get; set; } = ScheduledTaskDescriptor.DefaultRetryDelaySeconds;

    /// <summary>When true, an attempt that ends <c>TimedOut</c> is retried too (a <c>Failed</c> one always is).</summary>
    public bool RetryOnTimeout { get; set; }
}
