using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Carillon.Hosting.Configuration;

/// <summary>
/// A host that stops because Carillon's options are invalid ends the process with exit code 1 and one line per bad
/// value on standard error, rather than the runtime's unhandled-exception report (a stack trace, exit code 134) that the
/// exception escaping <c>host.Run()</c> would otherwise produce (standards: "a bad setting stops the host with a message
/// naming the key and a non-zero exit"). Other unhandled exceptions are left to the runtime.
/// </summary>
internal static class StartupFailureExit
{
    private static readonly ConcurrentDictionary<Type, byte> s_watched = new();
    private static int s_installed;

    public static void Watch(Type optionsType)
    {
        s_watched.TryAdd(optionsType, 0);
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        }
    }

    /// <summary>The failures of <paramref name="exception"/> when it is made only of watched options' validation failures.</summary>
    public static IReadOnlyList<string>? Failures(Exception exception)
    {
        switch (exception)
        {
            case OptionsValidationException validation when s_watched.ContainsKey(validation.OptionsType):
                return validation.Failures.ToList();
            case AggregateException aggregate:
                var all = aggregate.InnerExceptions.Select(Failures).ToList();
                return all.Count > 0 && all.All(f => f is not null) ? all.SelectMany(f => f!).ToList() : null;
            case TargetInvocationException { InnerException: { } inner }:
                return Failures(inner);
            default:
                return null;
        }
    }

    private static void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e)
    {
        if (e.ExceptionObject is Exception exception && Failures(exception) is { Count: > 0 } failures)
        {
            foreach (var failure in failures)
            {
                Console.Error.WriteLine(failure);
            }

            Console.Error.Flush();
            Environment.Exit(1);
        }
    }
}
