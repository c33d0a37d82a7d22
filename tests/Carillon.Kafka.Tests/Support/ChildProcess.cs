using System.Collections.Concurrent;
using System.Diagnostics;

namespace Carillon.Kafka.Tests.Support;

/// <summary>
/// A real OS process for multi-process tests: output lines are collected for polling, and <see cref="Kill"/> sends
/// SIGKILL (Process.Kill on Unix), so the process gets no chance to clean up, as in a crash.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue("[err] " + e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyCollection<string> Lines => _lines.ToArray();

    /// <summary>Starts <c>dotnet &lt;assembly&gt; args</c> from the test's output folder.</summary>
    public static ChildProcess StartDotnet(string assemblyFileName, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assemblyFileName));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet."));
    }

    /// <summary>Waits until a line matching <paramref name="predicate"/> was printed; fails if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var match = _lines.FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Process exited with {_process.ExitCode} before the expected line. Output:\n{string.Join('\n', _lines)}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No expected line within {timeout}. Output:\n{string.Join('\n', _lines)}");
    }

    /// <summary>Waits for the process to exit and its output to be fully read; false when the deadline passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no leave-group, like a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
