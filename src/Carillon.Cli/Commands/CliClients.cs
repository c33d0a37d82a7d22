using Carillon.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Carillon.Cli.Commands;

/// <summary>
/// Kafka clients of the CLI, built by the runtime's one client factory with a logger that writes nowhere: librdkafka's
/// lines stay off the terminal, and the command's own one-line error says what went wrong, with the last connection
/// error the factory's connectivity tracker saw.
/// </summary>
internal static class CliClients
{
    private static KafkaClientFactory? s_factory;

    public static string? LastError => Volatile.Read(ref s_factory)?.Connectivity.Assess().LastError;

    public static KafkaClientFactory Factory(CarillonOptions options)
    {
        var factory = new KafkaClientFactory(Options.Create(options), NullLoggerFactory.Instance);
        Volatile.Write(ref s_factory, factory);
        return factory;
    }

    public static IProducer<byte[], byte[]> Producer(CarillonOptions options, Action<ProducerConfig>? defaults = null)
    {
        var factory = Factory(options);
        return factory.CreateProducerBuilder<byte[], byte[]>(factory.Producer(defaults)).Build();
    }

    public static IConsumer<TKey, TValue> Consumer<TKey, TValue>(CarillonOptions options, Action<ConsumerConfig>? defaults = null)
    {
        var factory = Factory(options);
        return factory.CreateConsumerBuilder<TKey, TValue>(factory.Consumer(defaults)).Build();
    }

    public static IAdminClient Admin(CarillonOptions options)
    {
        var factory = Factory(options);
        return factory.CreateAdminClientBuilder(factory.Admin()).Build();
    }
}
