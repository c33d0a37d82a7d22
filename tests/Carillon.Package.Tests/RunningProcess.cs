using System.Diagnostics;

namespace Carillon.Package.Tests;

/// <summary>A long-running child process whose output lines are collected; disposing it kills it and its children.</summary>
internal sealed class RunningProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private RunningProcess(Process process) => _process = process;

    public static RunningProcess StartDotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var running = new RunningProcess(new Process { StartInfo = start });
        running._process.OutputDataReceived += (_, e) => running.Add(e.Data);
        running._process.ErrorDataReceived += (_, e) => running.Add(e.Data);
        running._process.Start();
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        return running;
    }

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>The value of the first output line <c>{name}=value</c>, waiting for it up to <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForValueAsync(string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            lock (_lines)
            {
                if (_lines.FirstOrDefault(l => l.StartsWith(name + "=", StringComparison.Ordinal)) is { } line)
                {
                    return line[(name.Length + 1)..];
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no '{name}=' line within {timeout} (exited: {_process.HasExited}):\n{Output}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}
