using System.CommandLine;
using Carillon.Monitoring;

namespace Carillon.Cli.Commands;

/// <summary>
/// A schedule monitor for one command (<see cref="CarillonStandalone.CreateScheduleMonitor"/>): it reads the topics
/// up to their current end within <c>--timeout</c>, then the command prints what it shows. Dispose it to stop reading.
/// </summary>
internal sealed class MonitorSession : IDisposable
{
    private MonitorSession(IScheduleMonitor monitor) => Monitor = monitor;

    public static Option<bool> Json { get; } = new("--json") { Description = "Print JSON (stable; see docs/cli.md) instead of a table" };

    public IScheduleMonitor Monitor { get; }

    public static async Task<MonitorSession> OpenAsync(CarillonOptions options, ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(CliOptions.SchedulesTopic) is { } topic)
        {
            options.Recurring.Topic = topic;
        }

        var session = new MonitorSession(CarillonStandalone.CreateScheduleMonitor(options, CliClients.Loggers));
        try
        {
            using var deadline = CliAction.Deadline(parse, cancellationToken);
            await session.Monitor.WaitUntilCaughtUpAsync(deadline.Token);
            return session;
        }
        catch (TimeoutException e)
        {
            session.Dispose();
            throw new CliException($"no answer from the Kafka cluster at {options.BootstrapServers}: {e.Message}", CliExitCodes.Unreachable);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Dispose() => (Monitor as IDisposable)?.Dispose();
}
