using System.Globalization;

namespace Carillon.Benchmarks.Faults;

/// <summary>
/// Options of the fault runs, given as <c>--name=value</c> after the benchmark name (a bare word would select another
/// benchmark: <c>delayed</c> is one).
/// </summary>
internal sealed record FaultOptions
{
    /// <summary>delayed, recurring or all.</summary>
    public string Scenario { get; init; } = "all";

    /// <summary>Whole-cluster outages of the delayed scenario, one run each.</summary>
    public IReadOnlyList<double> DelayedOutages { get; init; } = [2, 10];

    /// <summary>Whole-cluster outage of the recurring scenario.</summary>
    public double RecurringOutage { get; init; } = 3;

    /// <summary>Each scenario (and outage) run this many times, each on a fresh cluster, to see the spread.</summary>
    public int Rounds { get; init; } = 1;

    public int Brokers { get; init; } = 3;

    public int Messages { get; init; } = 2_000;

    /// <summary>The delayed messages come due evenly over this window.</summary>
    public double DueWindow { get; init; } = 40;

    /// <summary>The outage starts this long after the first due time.</summary>
    public double OutageAt { get; init; } = 10;

    /// <summary>How long past the last due time to keep reading (delayed).</summary>
    public double DelayedObserve { get; init; } = 60;

    /// <summary>How long to watch the task after the cluster's return (recurring).</summary>
    public double RecurringObserve { get; init; } = 60;

    /// <summary>Carillon's logs (Information and above) on the standard error, timestamped.</summary>
    public bool Verbose { get; init; }

    public bool RunsDelayed => Scenario is "all" or "delayed";

    public bool RunsRecurring => Scenario is "all" or "recurring";

    public const string Usage = "--scenario=delayed|recurring|all --outages=2,10 --recurring-outage=3 --rounds=1 --brokers=3 --messages=2000 --due-window=40 --outage-at=10 --observe=60 --recurring-observe=60 --verbose";

    public static FaultOptions Parse(IEnumerable<string> args)
    {
        var options = new FaultOptions();
        foreach (var arg in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
        {
            var (name, value) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], "true");
            options = name.ToLowerInvariant() switch
            {
                "scenario" => options with { Scenario = value.ToLowerInvariant() },
                "outages" or "outage" => options with { DelayedOutages = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Number)] },
                "recurring-outage" => options with { RecurringOutage = Number(value) },
                "rounds" => options with { Rounds = (int)Number(value) },
                "brokers" => options with { Brokers = (int)Number(value) },
                "messages" => options with { Messages = (int)Number(value) },
                "due-window" => options with { DueWindow = Number(value) },
                "outage-at" => options with { OutageAt = Number(value) },
                "observe" => options with { DelayedObserve = Number(value) },
                "recurring-observe" => options with { RecurringObserve = Number(value) },
                "verbose" => options with { Verbose = value != "false" },
                _ => throw new ArgumentException($"Unknown option {arg}; options: {Usage}"),
            };
        }

        return options is { RunsDelayed: false, RunsRecurring: false } ? throw new ArgumentException($"Unknown scenario {options.Scenario}; options: {Usage}") : options;
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
