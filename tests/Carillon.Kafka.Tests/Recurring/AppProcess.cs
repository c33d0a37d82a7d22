using System.Globalization;
using Carillon.Kafka.Tests.Support;

namespace Carillon.Kafka.Tests.Recurring;

/// <summary>A run printed by the test app: <c>RUN task occurrence-ms trigger instance fired-ms lateness-ms</c>.</summary>
public sealed record AppRun(string TaskId, long OccurrenceMs, string Trigger, string Instance, long FiredMs);

/// <summary>A process of <c>Carillon.Recurring.TestApp</c> with its own instance ID.</summary>
public sealed class AppProcess : IDisposable
{
    private AppProcess(string instanceId, ChildProcess process)
    {
        InstanceId = instanceId;
        Process = process;
    }

    public string InstanceId { get; }

    public ChildProcess Process { get; }

    public bool Killed { get; private set; }

    public static AppProcess Start(string bootstrapServers, string instanceId, TimeSpan sessionTimeout, string? sideEffectDir = null, ConsumerGroupProtocol protocol = ConsumerGroupProtocol.Classic, IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>
        {
            ["Carillon__BootstrapServers"] = bootstrapServers,
            ["Carillon__InstanceId"] = instanceId,
            ["Carillon__SessionTimeout"] = sessionTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Carillon__Recurring__GroupProtocol"] = protocol.ToString(),
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        if (sideEffectDir is not null)
        {
            env["SIDE_EFFECT_DIR"] = sideEffectDir;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        return new AppProcess(instanceId, ChildProcess.StartDotnet("Carillon.Recurring.TestApp.dll", [], env));
    }

    /// <summary>How many times this process took over the schedule.</summary>
    public int Takeovers => Process.Lines.Count(IsTakeover);

    /// <summary>
    /// Whether this process owns the schedule now: its latest takeover was not followed by the end of that term.
    /// Ownership can move while processes join (the mock's assignment is not sticky), so "took over once" is not it.
    /// </summary>
    public bool IsOwner
    {
        get
        {
            var lines = Process.Lines.ToList();
            return lines.FindLastIndex(IsTakeover) > lines.FindLastIndex(l => l.Contains("Schedule ownership of instance", StringComparison.Ordinal));
        }
    }

    /// <summary>Runs this process started since its latest takeover.</summary>
    public int RunsSinceTakeover
    {
        get
        {
            var lines = Process.Lines.ToList();
            return lines.Skip(lines.FindLastIndex(IsTakeover) + 1).Select(Parse).OfType<AppRun>().Count();
        }
    }

    private static bool IsTakeover(string line) => line.Contains("took over", StringComparison.Ordinal);

    public IReadOnlyList<AppRun> Runs => Process.Lines.Select(Parse).OfType<AppRun>().ToList();

    public static AppRun? Parse(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length < 6 || parts[0] != "RUN")
        {
            return null;
        }

        return new AppRun(parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture), parts[3], parts[4], long.Parse(parts[5], CultureInfo.InvariantCulture));
    }

    public void Kill()
    {
        Killed = true;
        Process.Kill();
    }

    public void Dispose() => Process.Dispose();
}
