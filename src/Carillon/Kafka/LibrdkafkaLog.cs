using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Kafka;

/// <summary>
/// Every librdkafka log line of every Carillon client goes to <see cref="ILogger"/> under <see cref="Category"/>
/// instead of stderr (issue 9 §3). Levels: emergency/alert/critical → Critical, error → Error, warning → Warning,
/// notice → Information, info/debug → Debug. Connection failures (facility <c>FAIL</c>) go to Debug: the same text
/// reaches the error callback, and <see cref="Health.KafkaConnectivity"/> summarises it (issue 9 §5).
/// </summary>
internal sealed partial class LibrdkafkaLog(ILoggerFactory loggers)
{
    public const string Category = "Carillon.Kafka.Librdkafka";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void Write(LogMessage message)
    {
        var level = message.Facility == "FAIL" ? LogLevel.Debug : message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
            SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        if (_logger.IsEnabled(level))
        {
            Line(level, message.Name, message.Facility, message.Message);
        }
    }

    /// <summary>An error that is not about connectivity, from a client whose builder took no error handler.</summary>
    public void Error(string client, Error error)
    {
        if (error.IsFatal)
        {
            FatalError(client, error.Code, error.Reason);
        }
        else
        {
            ClientError(client, error.Code, error.Reason);
        }
    }

    [LoggerMessage(EventId = 4000, Message = "librdkafka {Client} {Facility}: {Text}")]
    private partial void Line(LogLevel level, string client, string facility, string text);

    [LoggerMessage(4001, LogLevel.Warning, "Kafka client {Client} error {Code}: {Reason}")]
    private partial void ClientError(string client, ErrorCode code, string reason);

    [LoggerMessage(4002, LogLevel.Error, "Kafka client {Client} fatal error {Code}: {Reason}; it must be rebuilt")]
    private partial void FatalError(string client, ErrorCode code, string reason);
}
