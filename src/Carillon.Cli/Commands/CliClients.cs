using Carillon.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Carillon.Cli.Commands;

/// <summary>
/// Kafka clients of the CLI: librdkafka's log lines are kept off the terminal (the command's own one-line error says
/// what went wrong) and its last error is remembered for that line.
/// </summary>
internal static class CliClients
{
    private static string? s_lastError;

    public static string? LastError => Volatile.Read(ref s_lastError);

    public static KafkaClientFactory Factory(CarillonOptions options) => new(Options.Create(options));

    public static IProducer<byte[], byte[]> Producer(CarillonOptions options, Action<ProducerConfig>? defaults = null)
        => new ProducerBuilder<byte[], byte[]>(Factory(options).Producer(defaults))
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler(static (_, e) => Volatile.Write(ref s_lastError, e.Reason))
            .Build();

    public static IConsumer<TKey, TValue> Consumer<TKey, TValue>(CarillonOptions options, Action<ConsumerConfig>? defaults = null)
        => new ConsumerBuilder<TKey, TValue>(Factory(options).Consumer(defaults))
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler(static (_, e) => Volatile.Write(ref s_lastError, e.Reason))
            .Build();

    public static IAdminClient Admin(CarillonOptions options)
        => new AdminClientBuilder(Factory(options).Admin())
            .SetLogHandler(static (_, _) => { })
            .SetErrorHandler(static (_, e) => Volatile.Write(ref s_lastError, e.Reason))
            .Build();
}
