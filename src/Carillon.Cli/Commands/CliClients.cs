using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Cli.Commands;

/// <summary>
/// Kafka clients of the CLI, built on Confluent.Kafka with the same settings an application uses (bootstrap servers,
/// then the user's <c>Carillon:Kafka:*</c> properties last). librdkafka's lines stay off the terminal; the last error
/// is remembered so that the command's one-line error can say what went wrong (issue 9 §5). The CLI uses only
/// Carillon's public API (issue 9 §4).
/// </summary>
internal static class CliClients
{
    private static string? s_lastError;

    public static string? LastError => Volatile.Read(ref s_lastError);

    /// <summary>For the runtime's own clients (<see cref="CarillonStandalone"/>): their warnings and errors are remembered, never printed.</summary>
    public static ILoggerFactory Loggers { get; } = new LastErrorLoggerFactory(error => Volatile.Write(ref s_lastError, error));

    public static IProducer<byte[], byte[]> Producer(CarillonOptions options, Action<ProducerConfig>? defaults = null)
    {
        var config = new ProducerConfig { BootstrapServers = options.BootstrapServers, ClientId = options.InstanceId };
        defaults?.Invoke(config);
        return new ProducerBuilder<byte[], byte[]>(Apply(config, options))
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, e) => Volatile.Write(ref s_lastError, e.Reason))
            .Build();
    }

    public static IConsumer<TKey, TValue> Consumer<TKey, TValue>(CarillonOptions options, Action<ConsumerConfig>? defaults = null)
    {
        var config = new ConsumerConfig { BootstrapServers = options.BootstrapServers, ClientId = options.InstanceId };
        defaults?.Invoke(config);
        return new ConsumerBuilder<TKey, TValue>(Apply(config, options))
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, e) => Volatile.Write(ref s_lastError, e.Reason))
            .Build();
    }

    public static IAdminClient Admin(CarillonOptions options)
        => new AdminClientBuilder(Apply(new AdminClientConfig { BootstrapServers = options.BootstrapServers, ClientId = options.InstanceId }, options))
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, e) => Volatile.Write(ref s_lastError, e.Reason))
            .Build();

    // The user's properties win over the CLI's defaults, as in the runtime.
    private static TConfig Apply<TConfig>(TConfig config, CarillonOptions options)
        where TConfig : ClientConfig
    {
        foreach (var (key, value) in options.Kafka)
        {
            config.Set(key, value);
        }

        return config;
    }
}
