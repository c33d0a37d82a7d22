using System.CommandLine;

namespace Carillon.Cli.Commands;

/// <summary><c>carillon topics create</c>: creates Carillon's topics with the partition counts it needs and says what is there.</summary>
internal static class TopicsCommand
{
    public static Command Create()
    {
        var create = new Command("create", "Create Carillon's topics (schedules: 1 partition, logs, delayed, dead-letter) when missing")
        {
            CliOptions.DelayedPartitions,
        };
        CliAction.Set(create, async (options, parse, cancellationToken) =>
        {
            options.Delayed.Partitions = parse.GetValue(CliOptions.DelayedPartitions);
            using var deadline = CliAction.Deadline(parse, cancellationToken);
            await CarillonStandalone.ProvisionTopicsAsync(options, CliClients.Loggers, deadline.Token);

            // What the cluster has now, whether this call created it or found it.
            using var admin = CliClients.Admin(options);
            var metadata = admin.GetMetadata(parse.GetValue(CliOptions.Timeout));
            foreach (var (topic, _) in CarillonStandalone.Topics(options))
            {
                var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == Confluent.Kafka.ErrorCode.NoError);
                Console.Out.WriteLine(found is null ? $"{topic}: missing" : $"{topic}: {found.Partitions.Count} partition(s)");
            }

            return CliExitCodes.Ok;
        });

        return new Command("topics", "Topic administration") { create };
    }
}
