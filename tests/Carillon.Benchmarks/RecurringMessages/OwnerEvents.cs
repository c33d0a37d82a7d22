using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Carillon.Benchmarks.RecurringMessages;

/// <summary>
/// Reads the owners' log events: when the first partition was assigned (after its fencing) and when each was loaded
/// (events 5001 and 5002 of the recurring-messages owner, at Information or Debug: the benchmark's hosts run no other
/// Carillon service), and keeps warnings and errors to print.
/// </summary>
internal sealed class OwnerEvents : ILoggerProvider, ILogger
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly ConcurrentQueue<string> _problems = new();
    private int _loaded;
    private long _firstAssignedTicks;
    private long _lastLoadedTicks;

    /// <summary>From this object's creation to the first partition's "assigned" event.</summary>
    public TimeSpan FirstAssigned => TimeSpan.FromTicks(Interlocked.Read(ref _firstAssignedTicks));

    /// <summary>From this object's creation to the latest "loaded" event.</summary>
    public TimeSpan LastLoaded => TimeSpan.FromTicks(Interlocked.Read(ref _lastLoadedTicks));

    public IReadOnlyCollection<string> Problems => _problems;

    public ILogger CreateLogger(string categoryName) => categoryName.StartsWith("Carillon", StringComparison.Ordinal) ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        switch (eventId.Id)
        {
            case 5001:
                Interlocked.CompareExchange(ref _firstAssignedTicks, _watch.Elapsed.Ticks, 0);
                break;
            case 5002:
                Interlocked.Exchange(ref _lastLoadedTicks, _watch.Elapsed.Ticks);
                Interlocked.Increment(ref _loaded);
                break;
            default:
                if (logLevel >= LogLevel.Warning && _problems.Count < 20)
                {
                    _problems.Enqueue($"{logLevel}: {formatter(state, exception)}");
                }

                break;
        }
    }

    public async Task<bool> WaitLoadedAsync(int partitions, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Volatile.Read(ref _loaded) < partitions)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }

    public void Dispose()
    {
    }
}
