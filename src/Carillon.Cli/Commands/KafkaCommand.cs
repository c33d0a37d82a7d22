using System.CommandLine;
using Carillon.Testing;

namespace Carillon.Cli.Commands;

/// <summary><c>carillon kafka embedded</c>: a standalone in-memory broker several local processes can share.</summary>
internal static class KafkaCommand
{
    public static Command Create()
    {
        var brokers = new Option<int>("--brokers") { Description = "Number of brokers", DefaultValueFactory = _ => 1 };
        var topics = new Option<string[]>("--topic")
        {
            Description = "Create a topic, as name:partitions (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        // Carillon's groups use the consumer protocol on this broker by default (issue 14): its session defaults to
        // Carillon's default Carillon:SessionTimeout, and its heartbeat to the in-process development broker's.
        var groupSession = new Option<int>("--group-session-timeout-ms")
        {
            Description = "Session timeout of consumer-protocol (KIP-848, group.protocol=consumer) groups; classic groups use their clients' setting",
            DefaultValueFactory = _ => (int)new CarillonOptions().SessionTimeout.TotalMilliseconds,
        };
        var groupHeartbeat = new Option<int>("--group-heartbeat-interval-ms")
        {
            Description = "Heartbeat interval the broker gives consumer-protocol (KIP-848) group members",
            DefaultValueFactory = _ => 100,
        };
        var noDefaults = new Option<bool>("--no-default-topics") { Description = "Do not create Carillon's default topics" };

        var embedded = new Command("embedded", "Run an in-memory Kafka (development only, keeps nothing) until killed; prints bootstrap=<servers> first")
        {
            brokers, topics, noDefaults, groupSession, groupHeartbeat,
        };
        embedded.SetAction(async (parse, cancellationToken) =>
        {
            using var kafka = EmbeddedKafka.Start(parse.GetValue(brokers));
            kafka.SetConsumerGroupSessionTimeout(TimeSpan.FromMilliseconds(parse.GetValue(groupSession)));
            kafka.SetConsumerGroupHeartbeatInterval(TimeSpan.FromMilliseconds(parse.GetValue(groupHeartbeat)));

            if (!parse.GetValue(noDefaults))
            {
                foreach (var (name, partitions) in CarillonStandalone.Topics(new CarillonOptions()))
                {
                    kafka.CreateTopic(name, partitions, kafka.BrokerCount);
                }
            }

            foreach (var spec in parse.GetValue(topics) ?? [])
            {
                var (name, partitions) = ParseTopic(spec);
                kafka.CreateTopic(name, partitions, kafka.BrokerCount);
            }

            Console.Out.WriteLine($"bootstrap={kafka.BootstrapServers}");
            Console.Out.Flush();
            Console.Error.WriteLine("Embedded Kafka for development only: it keeps nothing. Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });

        return new Command("kafka", "Kafka utilities") { embedded };
    }

    private static (string Name, int Partitions) ParseTopic(string spec)
    {
        var colon = spec.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(spec.AsSpan(colon + 1), out var partitions) || partitions < 1)
        {
            throw new ArgumentException($"--topic expects name:partitions, got '{spec}'.");
        }

        return (spec[..colon], partitions);
    }
}
