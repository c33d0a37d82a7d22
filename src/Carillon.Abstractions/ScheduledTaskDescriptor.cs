using System.Diagnostics.CodeAnalysis;

namespace Carillon;

/// <summary>
/// Invokes a scheduled method. Generated code supplies it as a direct call: no reflection.
/// </summary>
public delegate ValueTask ScheduledTaskInvoker(IServiceProvider services, ScheduledActionContext context, CancellationToken cancellationToken);

/// <summary>One scheduled action of the registry, as declared by its attribute.</summary>
public sealed class ScheduledTaskDescriptor
{
    private readonly ScheduledTaskInvoker _invoker;

    /// <summary>Creates a descriptor. Called by generated code.</summary>
    public ScheduledTaskDescriptor(
        string id,
        string cron,
        string? timeZone,
        bool allowOverlap,
        int timeoutSeconds,
        bool exclusive,
        bool enabled,
        MisfirePolicy misfire,
        string version,
        string declaringType,
        string methodName,
        ScheduledTaskInvoker invoker)
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        Cron = cron ?? throw new ArgumentNullException(nameof(cron));
        TimeZone = string.IsNullOrEmpty(timeZone) ? "UTC" : timeZone!;
        AllowOverlap = allowOverlap;
        Timeout = timeoutSeconds > 0 ? TimeSpan.FromSeconds(timeoutSeconds) : null;
        Exclusive = exclusive;
        Enabled = enabled;
        Misfire = misfire;
        Version = version ?? throw new ArgumentNullException(nameof(version));
        DeclaringType = declaringType ?? throw new ArgumentNullException(nameof(declaringType));
        MethodName = methodName ?? throw new ArgumentNullException(nameof(methodName));
        _invoker = invoker ?? throw new ArgumentNullException(nameof(invoker));
    }

    /// <summary>A copy of <paramref name="source"/> with another cron: every other value, set or initialized, is kept.</summary>
    private ScheduledTaskDescriptor(ScheduledTaskDescriptor source, string cron)
    {
        Id = source.Id;
        Cron = cron ?? throw new ArgumentNullException(nameof(cron));
        TimeZone = source.TimeZone;
        AllowOverlap = source.AllowOverlap;
        Timeout = source.Timeout;
        Exclusive = source.Exclusive;
        Enabled = source.Enabled;
        Misfire = source.Misfire;
        Version = source.Version;
        DeclaringType = source.DeclaringType;
        MethodName = source.MethodName;
        _invoker = source._invoker;
        ConfigurationKey = source.ConfigurationKey;
        ServiceType = source.ServiceType;
        Retries = source.Retries;
        RetryDelay = source.RetryDelay;
        RetryOnTimeout = source.RetryOnTimeout;
    }

    /// <summary>The task ID, unique in the application.</summary>
    public string Id { get; }

    /// <summary>The cron expression, as written.</summary>
    public string Cron { get; }

    /// <summary>The time-zone ID the cron expression is evaluated in (<c>UTC</c> when none was given).</summary>
    public string TimeZone { get; }

    /// <summary>Whether a run may start while the previous one is still executing.</summary>
    public bool AllowOverlap { get; }

    /// <summary>Run timeout, or null for none.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>True: one instance cluster-wide runs the task; false: every instance does.</summary>
    public bool Exclusive { get; }

    /// <summary>Initial enabled state.</summary>
    public bool Enabled { get; }

    /// <summary>Misfire policy.</summary>
    public MisfirePolicy Misfire { get; }

    /// <summary>The task's version: the nearest <see cref="ScheduleVersionAttribute"/>.</summary>
    public string Version { get; }

    /// <summary>Fully qualified name of the declaring type.</summary>
    public string DeclaringType { get; }

    /// <summary>Name of the scheduled method.</summary>
    public string MethodName { get; }

    /// <summary>
    /// The declaring type of an instance method, which each run takes from its service provider; null for a static
    /// method. <c>AddCarillon</c> registers it as scoped unless the application registered it already
    /// (<see cref="Microsoft.Extensions.DependencyInjection.ScheduledTaskServiceCollectionExtensions.AddScheduledTaskServices"/>).
    /// </summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    public Type? ServiceType { get; init; }

    /// <summary>
    /// The configuration key whose value, when set, replaces <see cref="Cron"/> at startup
    /// (<see cref="ScheduledActionAttribute.ConfigurationKey"/>); null when the cron is the attribute's only.
    /// </summary>
    public string? ConfigurationKey { get; init; }

    /// <summary>The <see cref="ScheduledActionAttribute.RetryDelay"/> default, in seconds.</summary>
    public const int DefaultRetryDelaySeconds = 10;

    /// <summary>How many times a failed occurrence is attempted again (0: never).</summary>
    public int Retries { get; private init; }

    /// <summary>The base delay before the first retry (later ones back off exponentially, with jitter).</summary>
    public TimeSpan RetryDelay { get; private init; } = TimeSpan.FromSeconds(DefaultRetryDelaySeconds);

    /// <summary>Whether a timed-out attempt is retried (a failed one always is, while retries are left).</summary>
    public bool RetryOnTimeout { get; private init; }

    /// <summary>
    /// A copy of this descriptor with a retry policy (called by generated code for tasks that declare
    /// <see cref="ScheduledActionAttribute.Retries"/>).
    /// </summary>
    /// <param name="retries">Retries after the first attempt; 0 or more.</param>
    /// <param name="retryDelaySeconds">Base delay before the first retry, in seconds; 0 or more.</param>
    /// <param name="retryOnTimeout">Whether timed-out attempts are retried.</param>
    public ScheduledTaskDescriptor WithRetries(int retries, int retryDelaySeconds, bool retryOnTimeout)
    {
        if (retries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(retries), retries, "Retries must be 0 or more.");
        }

        if (retryDelaySeconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(retryDelaySeconds), retryDelaySeconds, "RetryDelay must be 0 or more seconds.");
        }

        return new ScheduledTaskDescriptor(this, Cron)
        {
            Retries = retries,
            RetryDelay = TimeSpan.FromSeconds(retryDelaySeconds),
            RetryOnTimeout = retryOnTimeout,
        };
    }

    /// <summary>A copy of this descriptor with another cron (a configured one replacing the attribute's); every other value is kept.</summary>
    /// <param name="cron">The cron expression.</param>
    public ScheduledTaskDescriptor WithCron(string cron) => new(this, cron);

    /// <summary>Runs the method with the given context.</summary>
    public ValueTask InvokeAsync(IServiceProvider services, ScheduledActionContext context, CancellationToken cancellationToken)
        => _invoker(services, context, cancellationToken);

    /// <summary>Runs the method now, outside any schedule (for tests and tools).</summary>
    public ValueTask InvokeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        return _invoker(services, new ScheduledActionContext(Id, now, now, Environment.MachineName, ScheduledRunTrigger.Manual), cancellationToken);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Cron})";
}
