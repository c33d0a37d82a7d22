using Carillon.Delayed.Publishing;
using Carillon.Kafka;
using Carillon.Monitoring;
using Carillon.RecurringMessages.Publishing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Carillon;

/// <summary>
/// Carillon's runtime pieces outside a host, for tools and scripts (the <c>carillon</c> CLI uses these): the same
/// client settings, topic layout and publisher an application gets from dependency injection (issue 9 §4).
/// </summary>
public static class CarillonStandalone
{
    /// <summary>The topics Carillon uses with the partition counts it needs (schedules and logs: 1; delayed: <see cref="DelayedOptions.Partitions"/>).</summary>
    /// <param name="options">The settings naming the topics.</param>
    public static IReadOnlyList<(string Name, int Partitions)> Topics(CarillonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CarillonTopics.All(options);
    }

    /// <summary>
    /// Creates the missing topics of <see cref="Topics"/>. Like the runtime, a cluster that refuses or cannot answer
    /// (ACLs, managed clusters) is logged as a warning, not thrown: check the topics afterwards when it matters.
    /// </summary>
    /// <param name="options">The connection and topic settings.</param>
    /// <param name="loggerFactory">Receives librdkafka's lines and Carillon's; nothing is logged when null.</param>
    /// <param name="cancellationToken">Stops waiting (the creation itself is bounded to 10 s per request).</param>
    public static Task ProvisionTopicsAsync(CarillonOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var clients = new KafkaClientFactory(Options.Create(options), loggerFactory);
        return new TopicProvisioner(clients, Options.Create(options), loggerFactory.CreateLogger<TopicProvisioner>()).EnsureAsync(cancellationToken);
    }

    /// <summary>
    /// A delayed-message publisher on its own producer. It implements <see cref="IDisposable"/>: dispose it to flush
    /// and close the producer. Topics are provisioned first when <see cref="CarillonOptions.ProvisionTopics"/> is set.
    /// </summary>
    /// <param name="options">The connection and delayed-topic settings.</param>
    /// <param name="loggerFactory">Receives librdkafka's lines; nothing is logged when null.</param>
    public static IDelayedMessagePublisher CreateDelayedPublisher(CarillonOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var clients = new KafkaClientFactory(Options.Create(options), loggerFactory);
        var settings = Options.Create(options);
        return new DelayedMessagePublisher(clients, settings, new TopicProvisioner(clients, settings, loggerFactory.CreateLogger<TopicProvisioner>()));
    }

    /// <summary>
    /// The run-time schedules API (<see cref="IRecurringMessages"/>) on its own producer, to define, change and read
    /// recurring messages without a host (the CLI's <c>schedules</c> commands). It implements <see cref="IDisposable"/>:
    /// dispose it to flush and close the producer. Instances running Carillon fire the schedules.
    /// </summary>
    /// <param name="options">The connection and recurring-messages settings.</param>
    /// <param name="loggerFactory">Receives librdkafka's lines; nothing is logged when null.</param>
    public static IRecurringMessages CreateRecurringMessages(CarillonOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var clients = new KafkaClientFactory(Options.Create(options), loggerFactory);
        var settings = Options.Create(options);
        return new RecurringMessagesClient(clients, settings, new TopicProvisioner(clients, settings, loggerFactory.CreateLogger<TopicProvisioner>()), TimeProvider.System);
    }

    /// <summary>
    /// A schedule monitor for a process without the application's code (a CLI, a standalone dashboard): it reads
    /// Carillon's topics from the beginning and keeps following them, with no consumer group. It implements
    /// <see cref="IDisposable"/>: dispose it to stop reading. Call <see cref="IScheduleMonitor.WaitUntilCaughtUpAsync"/>
    /// before a one-off read.
    /// </summary>
    /// <param name="options">The connection and topic settings.</param>
    /// <param name="loggerFactory">Receives librdkafka's lines and the monitor's; nothing is logged when null.</param>
    public static IScheduleMonitor CreateScheduleMonitor(CarillonOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var clients = new KafkaClientFactory(Options.Create(options), loggerFactory);
        return new ScheduleMonitor(options, clients, TimeProvider.System, loggerFactory.CreateLogger<ScheduleMonitor>());
    }
}
