using Microsoft.Extensions.Logging;

namespace Carillon.Cli.Commands;

/// <summary>A logger factory that prints nothing and hands every warning or error to <c>remember</c>.</summary>
internal sealed class LastErrorLoggerFactory(Action<string> remember) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            remember(formatter(state, exception));
        }
    }
}
