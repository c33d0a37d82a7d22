using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Carillon.Benchmarks.Faults;

/// <summary>
/// Carillon's log events of a run, timestamped, to count partitions loaded and to tell the reading of a run (what the
/// hosts said after the cluster came back). With <c>--verbose</c> they are also written to the standard error.
/// </summary>
internal sealed class EventLog(string host, bool verbose) : ILoggerProvider
{
    private readonly ConcurrentQueue<(DateTimeOffset At, LogLevel Level, int EventId, string Text)> _events = new();

    public IReadOnlyList<(DateTimeOffset At, LogLevel Level, int EventId, string Text)> Events => _events.ToArray();

    public int Count(int eventId) => _events.Count(e => e.EventId == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private void Add(LogLevel level, int eventId, string text)
    {
        var at = DateTimeOffset.UtcNow;
        _events.Enqueue((at, level, eventId, text));
        if (verbose)
        {
            Console.Error.WriteLine($"{at:HH:mm:ss.fff} {host} {level} [{eventId}] {text}");
        }
    }

    private sealed class Logger(EventLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var text = formatter(state, exception);
                log.Add(logLevel, eventId.Id, exception is null ? text : $"{text} ({exception.GetType().Name}: {exception.Message})");
            }
        }
    }
}
