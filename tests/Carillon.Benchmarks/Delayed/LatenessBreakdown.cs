using System.Globalization;
using Carillon.Delayed.Dispatching;

namespace Carillon.Benchmarks.Delayed;

/// <summary>
/// Where the dispatch lateness goes, per transaction (issue 14): the wake-up (due time of the transaction's first
/// message to the loop awake, for loops that were waiting), the wait behind the previous transaction (for loops that
/// were not), the write (produce calls), sending the offsets (only transactions that carry them) and the commit
/// (<c>CommitTransaction</c> to its return). Printed the same way for the dispatcher and for the anchor.
/// </summary>
internal static class LatenessBreakdown
{
    public static string Describe(IReadOnlyCollection<DispatchTiming> timings)
    {
        var slept = timings.Where(t => t.Slept).ToList();
        var queued = timings.Where(t => !t.Slept).ToList();
        var withOffsets = timings.Where(t => !double.IsNaN(t.OffsetsSentMs)).ToList();
        var messages = timings.Sum(t => t.Count);
        return string.Create(CultureInfo.InvariantCulture, $"""
                {timings.Count:N0} transactions ({messages / (double)Math.Max(1, timings.Count):F2} messages each), p50 / p99 / max in ms:
                    wake-up (due -> loop awake), {slept.Count:N0} that slept: {P(slept.Select(t => t.AwakeMs - t.FirstDueMs))}
                    behind the previous transaction (due -> loop free), {queued.Count:N0}: {P(queued.Select(t => t.AwakeMs - t.FirstDueMs))}
                    write (produce calls, after a begin made ahead where the design does): {P(timings.Select(t => t.WrittenMs - t.AwakeMs))}
                    send offsets, {withOffsets.Count:N0} that carried them: {P(withOffsets.Select(t => t.OffsetsSentMs - t.WrittenMs))}
                    commit (CommitTransaction: flush, EndTxn): {P(timings.Select(t => t.CommittedMs - (double.IsNaN(t.OffsetsSentMs) ? t.WrittenMs : t.OffsetsSentMs)))}
                    whole transaction (loop awake -> commit returned): {P(timings.Select(t => t.CommittedMs - t.AwakeMs))}
            """);
    }

    private static string P(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? "-"
            : string.Create(CultureInfo.InvariantCulture, $"{sorted[sorted.Length / 2]:F2} / {sorted[(int)(sorted.Length * 0.99)]:F2} / {sorted[^1]:F2}");
    }
}
