using Microsoft.Extensions.Logging;

namespace Carillon.Dashboard.Hosting;

/// <summary>The dashboard's audit trail: every command it writes, and every command it refuses.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(1, LogLevel.Information, "Dashboard command {Command} for {Target} by {User}")]
    public static partial void CommandWritten(ILogger logger, string command, string target, string user);

    [LoggerMessage(2, LogLevel.Warning, "Dashboard command {Command} refused: antiforgery token missing or invalid (a cross-site request?)")]
    public static partial void AntiforgeryRefused(ILogger logger, string command);

    [LoggerMessage(3, LogLevel.Information, "Dashboard command {Command} for {Target} refused: {Reason}")]
    public static partial void CommandRejected(ILogger logger, string command, string target, string reason);
}
