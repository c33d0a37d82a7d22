using Microsoft.Extensions.Hosting;

namespace Carillon.Benchmarks.Faults;

/// <summary>Stops a host with a bound: the code before issue 8's fix may not stop at all after an outage.</summary>
internal static class HostLifetime
{
    /// <returns>The time the stop took, or null when it did not end within <paramref name="bound"/> (the host is then abandoned).</returns>
    public static async Task<TimeSpan?> StopAsync(IHost host, TimeSpan bound)
    {
        var started = DateTimeOffset.UtcNow;
        using var cancel = new CancellationTokenSource(bound);
        var stop = Task.Run(async () =>
        {
            await host.StopAsync(cancel.Token);
            host.Dispose();
        });
        var ended = await Task.WhenAny(stop, Task.Delay(bound + TimeSpan.FromSeconds(5)));
        // A stop that only returned because its token was cancelled did not stop the host in time.
        return ended == stop && stop.IsCompletedSuccessfully && !cancel.IsCancellationRequested ? DateTimeOffset.UtcNow - started : null;
    }
}
