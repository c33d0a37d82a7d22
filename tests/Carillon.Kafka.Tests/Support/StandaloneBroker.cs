namespace Carillon.Kafka.Tests.Support;

/// <summary>An embedded broker in its own process (<c>carillon kafka embedded</c>), shared by several app processes.</summary>
public sealed class StandaloneBroker : IDisposable
{
    private readonly ChildProcess _process;

    private StandaloneBroker(ChildProcess process, string bootstrapServers)
    {
        _process = process;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    public static Task<StandaloneBroker> StartAsync(int brokers = 1, params string[] topics) => StartAsync(brokers, null, null, topics);

    /// <summary>Starts a broker whose consumer-protocol (KIP-848) groups use this session timeout and heartbeat interval.</summary>
    public static async Task<StandaloneBroker> StartAsync(int brokers, TimeSpan? groupSessionTimeout, TimeSpan? groupHeartbeatInterval, params string[] topics)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var args = new List<string> { "kafka", "embedded", "--brokers", brokers.ToString(inv) };
        if (groupSessionTimeout is { } session)
        {
            args.AddRange(["--group-session-timeout-ms", ((int)session.TotalMilliseconds).ToString(inv)]);
        }

        if (groupHeartbeatInterval is { } heartbeat)
        {
            args.AddRange(["--group-heartbeat-interval-ms", ((int)heartbeat.TotalMilliseconds).ToString(inv)]);
        }

        foreach (var topic in topics)
        {
            args.Add("--topic");
            args.Add(topic);
        }

        var process = ChildProcess.StartDotnet("Carillon.Cli.dll", args);
        try
        {
            var line = await process.WaitForLineAsync(l => l.StartsWith("bootstrap=", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            return new StandaloneBroker(process, line["bootstrap=".Length..]);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public void Dispose() => _process.Dispose();
}
