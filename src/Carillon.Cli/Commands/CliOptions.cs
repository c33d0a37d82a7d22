using System.CommandLine;

namespace Carillon.Cli.Commands;

/// <summary>Options shared by the commands that talk to a cluster.</summary>
internal static class CliOptions
{
    public static readonly Option<string> Bootstrap = new("--bootstrap-servers", "-b")
    {
        Description = "Kafka bootstrap servers (default: $CARILLON__BOOTSTRAPSERVERS or localhost:9092)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CARILLON__BOOTSTRAPSERVERS") ?? "localhost:9092",
    };

    public static readonly Option<int> DelayedPartitions = new("--delayed-partitions")
    {
        Description = "Partitions of the delayed-message topic",
        DefaultValueFactory = _ => new DelayedMessageOptions().Partitions,
    };

    public static readonly Option<string> SchedulesTopic = new("--schedules-topic")
    {
        Description = "Schedules topic",
        DefaultValueFactory = _ => new CarillonOptions().SchedulesTopic,
    };

    public static CarillonOptions Build(ParseResult parse) => new()
    {
        BootstrapServers = parse.GetValue(Bootstrap),
        InstanceId = $"carillon-cli-{Environment.ProcessId}",
    };
}
