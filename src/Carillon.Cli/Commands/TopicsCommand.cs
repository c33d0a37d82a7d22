using System.CommandLine;
using Carillon.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Carillon.Cli.Commands;

/// <summary><c>carillon topics create</c>: creates Carillon's topics with the partition counts it needs.</summary>
internal static class TopicsCommand
{
    public static Command Create()
    {
        var create = new Command("create", "Create Carillon's topics (schedules: 1 partition, logs, delayed, dead-letter) when missing")
        {
            CliOptions.Bootstrap,
            CliOptions.DelayedPartitions,
        };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var options = CliOptions.Build(parse);
            options.Delayed.Partitions = parse.GetValue(CliOptions.DelayedPartitions);
            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole());
            var provisioner = new TopicProvisioner(new KafkaClientFactory(Options.Create(options), loggerFactory), loggerFactory.CreateLogger<TopicProvisioner>());
            await provisioner.EnsureAsync(cancellationToken);
            return 0;
        });

        return new Command("topics", "Topic administration") { create };
    }
}
