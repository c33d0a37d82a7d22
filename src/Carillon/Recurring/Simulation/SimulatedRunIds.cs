namespace Carillon.Simulation;

/// <summary>
/// Run IDs for an <see cref="InMemoryScheduleRunner"/>: 32 lowercase hex digits like production's GUIDs, a random half
/// per runner and a counter, so unique within the runner across its terms. A GUID reads the system's random source on
/// every claim, a system call that was a noticeable part of a simulated year of a minutely task (issue 13).
/// </summary>
internal sealed class SimulatedRunIds
{
    private readonly ulong _prefix = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 63);
    private long _next;

    public string Next()
    {
        var sequence = (ulong)Interlocked.Increment(ref _next);
        return string.Create(32, (_prefix, sequence), static (span, s) =>
        {
            s._prefix.TryFormat(span, out _, "x16");
            s.sequence.TryFormat(span[16..], out _, "x16");
        });
    }
}
