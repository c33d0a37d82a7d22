using Microsoft.Extensions.Logging;

namespace Carillon.Monitoring.Following;

/// <summary>Source-generated log messages of the schedule monitor (event IDs 5000–5099).</summary>
internal static partial class MonitorLog
{
    [LoggerMessage(5000, LogLevel.Warning, "Schedule monitor: reading failed, retrying: {Reason}")]
    public static partial void MonitorConsumeFailed(this ILogger logger, string reason);

    [LoggerMessage(5001, LogLevel.Debug, "Schedule monitor: no metadata for topic {Topic} yet: {Reason}")]
    public static partial void MonitorMetadataFailed(this ILogger logger, string topic, string reason);

    [LoggerMessage(5002, LogLevel.Debug, "Schedule monitor: could not describe group {Group}: {Reason}")]
    public static partial void MonitorGroupUnknown(this ILogger logger, string group, string reason);
}
