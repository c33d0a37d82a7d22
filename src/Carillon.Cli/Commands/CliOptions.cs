using System.CommandLine;
using Carillon.Hosting.Configuration;
using Microsoft.Extensions.Configuration;

namespace Carillon.Cli.Commands;

/// <summary>
/// Options every command that talks to a cluster shares (recursive on the root command). The connection is read like
/// an application reads it: the <c>Carillon</c> section of <c>--config</c> (an appsettings file) and of the environment
/// (<c>Carillon__BootstrapServers</c>, <c>Carillon__Kafka__security.protocol</c>, …), then <c>-b</c> and
/// <c>--kafka key=value</c> on the command line, so the CLI reaches a secured cluster the way the workers do (issue 9).
/// </summary>
internal static class CliOptions
{
    public static readonly Option<string?> Bootstrap = new("--bootstrap-servers", "-b")
    {
        Description = "Kafka bootstrap servers (default: Carillon:BootstrapServers from --config or the environment, e.g. Carillon__BootstrapServers; else localhost:9092)",
        Recursive = true,
    };

    public static readonly Option<string[]> Kafka = new("--kafka")
    {
        Description = "A librdkafka property as key=value, applied to every client (repeatable), e.g. --kafka security.protocol=SASL_SSL",
        AllowMultipleArgumentsPerToken = false,
        Recursive = true,
    };

    public static readonly Option<FileInfo?> Config = new("--config")
    {
        Description = "An appsettings-style JSON file whose Carillon section configures the connection",
        Recursive = true,
    };

    public static readonly Option<TimeSpan> Timeout = new("--timeout")
    {
        Description = "How long to wait for the cluster before giving up: seconds (3), or 500ms, 30s, 2m, 00:00:10 (default 10 s)",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        CustomParser = DurationParser.Parse,
        Recursive = true,
    };

    public static readonly Option<int> DelayedPartitions = new("--delayed-partitions")
    {
        Description = "Partitions of the delayed-message topic",
        DefaultValueFactory = _ => new DelayedOptions().Partitions,
    };

    public static readonly Option<string> SchedulesTopic = new("--schedules-topic")
    {
        Description = "Schedules topic",
        DefaultValueFactory = _ => new CarillonOptions().Recurring.Topic,
    };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Bootstrap);
        root.Options.Add(Kafka);
        root.Options.Add(Config);
        root.Options.Add(Timeout);
    }

    /// <summary>The options a command connects with; throws <see cref="CliException"/> for a malformed setting.</summary>
    public static CarillonOptions Build(ParseResult parse)
    {
        var configuration = new ConfigurationBuilder();
        if (parse.GetValue(Config) is { } file)
        {
            if (!file.Exists)
            {
                throw new CliException($"--config: file '{file.FullName}' not found");
            }

            configuration.AddJsonFile(file.FullName, optional: false);
        }

        // Configuration keys are case-insensitive: Carillon__BootstrapServers and CARILLON__BOOTSTRAPSERVERS both work.
        configuration.AddEnvironmentVariables();
        var options = new CarillonOptions();

        // The host's binding check (docs/configuration.md, "Validation"): each value that does not convert is reported
        // in the host's words, one line per key, instead of the binder's exception at the first one.
        CheckedBinding.Bind(configuration.Build().GetSection(CarillonOptions.SectionName), options);
        if (CheckedBinding.FailuresOf(options) is { Count: > 0 } failures)
        {
            throw new CliException(string.Join(Environment.NewLine, failures));
        }

        options.BootstrapServers = parse.GetValue(Bootstrap) ?? options.BootstrapServers ?? "localhost:9092";
        options.InstanceId = $"carillon-cli-{Environment.ProcessId}";
        foreach (var property in parse.GetValue(Kafka) ?? [])
        {
            var split = property.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0)
            {
                throw new CliException($"--kafka '{property}': expected key=value");
            }

            options.Kafka[property[..split].Trim()] = property[(split + 1)..];
        }

        // A command waits at most --timeout for the cluster: librdkafka's own defaults would retry a produce for 5 minutes.
        var timeoutMs = ((int)parse.GetValue(Timeout).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Kafka.TryAdd("message.timeout.ms", timeoutMs);
        options.Kafka.TryAdd("socket.connection.setup.timeout.ms", timeoutMs);
        return options;
    }
}
