namespace Carillon.Cli.Commands;

/// <summary>A failure the user can act on: printed as one line, exit code <see cref="ExitCode"/>, no stack trace.</summary>
internal sealed class CliException(string message, int exitCode = CliExitCodes.Failed) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Exit codes of the <c>carillon</c> tool (documented in docs/cli.md).</summary>
internal static class CliExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int UnknownTask = 4;
}
