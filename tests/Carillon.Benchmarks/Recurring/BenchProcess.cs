using System.Collections.Concurrent;
using System.Diagnostics;

namespace Carillon.Benchmarks.Recurring;

/// <summary>A child <c>dotnet app.dll</c> whose output lines are timestamped on arrival.</summary>
internal sealed class BenchProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<(DateTimeOffset At, string Line)> _lines = new();

    private BenchProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue((DateTimeOffset.UtcNow, e.Data)); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue((DateTimeOffset.UtcNow, "[err] " + e.Data)); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<(DateTimeOffset At, string Line)> Lines => _lines.ToArray();

    public static BenchProcess Start(string assembly, string name, IDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new BenchProcess(Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet."), name);
    }

    /// <summary>Arrival times of lines containing <paramref name="text"/>.</summary>
    public IEnumerable<DateTimeOffset> TimesOf(string text) => _lines.Where(l => l.Line.Contains(text, StringComparison.Ordinal)).Select(l => l.At);

    /// <summary>SIGKILL, like a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            // The app is one process: no tree walk (a scan of /proc, 0.1-0.2 s on a loaded machine) between the
            // caller's timestamp and the signal.
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM: the generic host shuts down gracefully.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill?.WaitForExit();
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
