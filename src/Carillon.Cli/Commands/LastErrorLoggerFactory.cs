using Microsoft.Extensions.Logging;

namespace Carillon.Cli.Commands;

/// <summary>
/// A logger factory that prints nothing and hands every warning or error to <c>remember</c>, except librdkafka's
/// configuration warnings: the CLI's own <c>message.timeout.ms</c> reaches consumers too, and "a producer property,
/// ignored" said nothing about why the cluster did not answer.
/// </summary>
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
        if (IsEnabled(logLevel) && !IsConfigurationWarning(state))
        {
            remember(formatter(state, exception));
        }
    }

    private static bool IsConfigurationWarning<TState>(TState state)
        => state is IReadOnlyList<KeyValuePair<string, object?>> fields
            && fields.Any(f => f.Key == "Facility" && f.Value is "CONFWARN");
}
