using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Carillon.Benchmarks.Recurring;

/// <summary>
/// The embedded broker's debug lines about consumer-protocol (KIP-848) members, timestamped on arrival: each heartbeat
/// ("marking ... member X as active") and each expiry ("member X session timed out"), so that a takeover can be
/// decomposed at the broker (issue 14).
/// </summary>
internal sealed partial class BrokerTrace
{
    private readonly ConcurrentQueue<(DateTimeOffset At, string Member, bool Expired)> _events = new();

    public void Add(string line)
    {
        var now = DateTimeOffset.UtcNow;
        if (ActiveLine().Match(line) is { Success: true } active)
        {
            _events.Enqueue((now, active.Groups[1].Value, false));
        }
        else if (ExpiredLine().Match(line) is { Success: true } expired)
        {
            _events.Enqueue((now, expired.Groups[1].Value, true));
        }
    }

    /// <summary>The first member expiry after <paramref name="after"/>, with that member's last heartbeat before it.</summary>
    public (DateTimeOffset LastHeartbeat, DateTimeOffset Expired)? Expiry(DateTimeOffset after)
    {
        var events = _events.ToArray();
        var expiry = events.FirstOrDefault(e => e.Expired && e.At > after);
        if (expiry.Member is null)
        {
            return null;
        }

        var last = events.Where(e => !e.Expired && e.Member == expiry.Member && e.At <= expiry.At).Select(e => e.At).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        return last == DateTimeOffset.MinValue ? null : (last, expiry.At);
    }

    /// <summary>
    /// The broker's first sign of <paramref name="member"/> at or after <paramref name="after"/>: its heartbeat, whose
    /// response carries the assignment the broker computed at that expiry.
    /// </summary>
    public DateTimeOffset? FirstHeartbeat(string member, DateTimeOffset after)
    {
        var at = _events.Where(e => !e.Expired && e.Member == member && e.At >= after).Select(e => e.At).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        return at == DateTimeOffset.MaxValue ? null : at;
    }

    [GeneratedRegex(@"Marking mock consumer group member (\S+) as active")]
    private static partial Regex ActiveLine();

    [GeneratedRegex(@"Member (\S+) session timed out for group")]
    private static partial Regex ExpiredLine();
}
