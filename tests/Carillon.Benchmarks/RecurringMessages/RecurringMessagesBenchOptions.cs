using System.Globalization;

namespace Carillon.Benchmarks.RecurringMessages;

/// <summary>
/// Options of the run-time schedules benchmark (issue 11), given after its name as <c>--name=value</c> or
/// <c>--name value</c>; the defaults are the figures.
/// </summary>
internal sealed record RecurringMessagesBenchOptions
{
    public const string Usage = "--schedules=100000 --partitions=12 --value-bytes=64 --lateness-schedules=1000 --lateness-seconds=20 --skip-lateness";

    /// <summary>Schedules all due at the same instant (the "every tenant's report at midnight" case).</summary>
    public int Schedules { get; init; } = 100_000;

    /// <summary>Partitions of the definitions topic and of the target topic.</summary>
    public int Partitions { get; init; } = 12;

    /// <summary>The value each schedule produces.</summary>
    public int ValueBytes { get; init; } = 64;

    /// <summary>Schedules of each lateness set (every second; and spread, every 10 s at second i % 10).</summary>
    public int LatenessSchedules { get; init; } = 1_000;

    /// <summary>How long each lateness set is sampled, after a warm-up of 3 s.</summary>
    public int LatenessSeconds { get; init; } = 20;

    public bool SkipLateness { get; init; }

    public static RecurringMessagesBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RecurringMessagesBenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            string name;
            string value;
            if (arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                (name, value) = (arg[2..eq], arg[(eq + 1)..]);
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                (name, value) = (arg[2..], args[++i]);
            }
            else
            {
                (name, value) = (arg[2..], "true");
            }

            options = name.ToLowerInvariant() switch
            {
                "schedules" => options with { Schedules = Number(value) },
                "partitions" => options with { Partitions = Number(value) },
                "value-bytes" => options with { ValueBytes = Number(value) },
                "lateness-schedules" => options with { LatenessSchedules = Number(value) },
                "lateness-seconds" => options with { LatenessSeconds = Number(value) },
                "skip-lateness" => options with { SkipLateness = value != "false" },
                _ => throw new ArgumentException($"Unknown option {arg}; options: {Usage}"),
            };
        }

        return options;
    }

    private static int Number(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
