using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Carillon.Kafka.Tests.Health;

/// <summary>Keeps every line a host logs (category, level, text, when), for tests that count lines.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogLine> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new LogLine(DateTime.UtcNow, category, logLevel, formatter(state, exception));
            provider.Lines.Enqueue(line);
            if (Environment.GetEnvironmentVariable("CARILLON_TEST_LOG") == "1")
            {
                Console.Error.WriteLine($"{line.At:HH:mm:ss.fff} {line.Level} {line.Category}: {line.Message}");
            }
        }
    }
}

internal sealed record LogLine(DateTime At, string Category, LogLevel Level, string Message);
