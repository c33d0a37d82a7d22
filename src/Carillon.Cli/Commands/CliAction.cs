using System.CommandLine;
using Confluent.Kafka;

namespace Carillon.Cli.Commands;

/// <summary>
/// Runs a command's body with the options it connects with and a deadline of <c>--timeout</c>; turns every failure
/// into one line on stderr and a non-zero exit code instead of a hang or a stack trace (issue 9).
/// </summary>
internal static class CliAction
{
    public static void Set(Command command, Func<CarillonOptions, ParseResult, CancellationToken, Task<int>> body)
        => command.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, body));

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<CarillonOptions, ParseResult, CancellationToken, Task<int>> body)
    {
        var timeout = parse.GetValue(CliOptions.Timeout);
        CarillonOptions? options = null;
        try
        {
            options = CliOptions.Build(parse);
            return await body(options, parse, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            return Fail(e.Message, e.ExitCode);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail($"no answer from the Kafka cluster at {options?.BootstrapServers} within {timeout} (--timeout){LastError()}", CliExitCodes.Unreachable);
        }
        catch (OperationCanceledException)
        {
            return CliExitCodes.Failed;
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_MsgTimedOut or ErrorCode.Local_TimedOut or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown)
        {
            return Fail($"no answer from the Kafka cluster at {options?.BootstrapServers} within {timeout} (--timeout): {e.Error.Reason}{LastError()}", CliExitCodes.Unreachable);
        }
        catch (KafkaException e)
        {
            return Fail("Kafka: " + e.Error.Reason, CliExitCodes.Failed);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or ArgumentException or InvalidDataException)
        {
            return Fail(e.Message, CliExitCodes.Failed);
        }
    }

    /// <summary>Builds a linked token that cancels after <c>--timeout</c>.</summary>
    public static CancellationTokenSource Deadline(ParseResult parse, CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(parse.GetValue(CliOptions.Timeout));
        return deadline;
    }

    private static string LastError() => CliClients.LastError is { } error ? $"; last error: {error}" : string.Empty;

    private static int Fail(string message, int exitCode)
    {
        // One prefixed line per error (several bad settings are reported together), so each reads on its own.
        foreach (var line in message.Split(Environment.NewLine))
        {
            Console.Error.WriteLine("carillon: error: " + line);
        }

        return exitCode;
    }
}
