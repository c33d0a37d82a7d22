using System.Globalization;

namespace Carillon.Benchmarks.Faults;

/// <summary>
/// Issue 8's fault runs on the embedded cluster: the whole cluster down during delayed dispatch and during recurring
/// runs, then up; what was sent, delivered, duplicated, missed, and the time to resume after the cluster's return.
/// Every wait is bounded: a run that does not resume is reported as "never within N s". Prints figures; asserts nothing.
/// </summary>
public sealed class FaultsBenchmark : IBenchmark, IBenchmarkArguments
{
    private FaultOptions _options = new();

    public string Name => "faults";

    public string Description => $"Whole-cluster outages during delayed dispatch and recurring runs, figures before/after issue 8 ({FaultOptions.Usage})";

    public void SetArguments(IReadOnlyList<string> args) => _options = FaultOptions.Parse(args);

    public async Task RunAsync(TextWriter output)
    {
        var o = _options;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{o.Brokers} brokers (embedded), session timeout 6 s, {o.Rounds} round(s) per outage; timings are wall-clock on a shared machine"));
        if (o.RunsDelayed)
        {
            var results = new List<DelayedOutageResult>();
            foreach (var outage in o.DelayedOutages)
            {
                for (var round = 1; round <= o.Rounds; round++)
                {
                    var result = await DelayedOutageScenario.RunAsync(o, TimeSpan.FromSeconds(outage));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  delayed, outage {outage} s, round {round}: {result.Delivered}/{result.Sent} delivered ({result.Written} written incl. aborted, read_uncommitted), resume {Resume(result.TimeToResume, result.ObservedAfterReturn)}, delivering after return: {result.PartitionsResumed}/{result.Partitions} delayed partitions (messages per partition: {result.AfterReturnByPartition}), {result.TargetPartitionsVisible}/{result.TargetPartitions} target partitions; max lateness {result.MaxLatenessSeconds:F1} s; log after return: {(result.LogAfterReturn.Length == 0 ? "nothing" : result.LogAfterReturn)}"));
                    results.Add(result);
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"A. delayed dispatch: 1 dispatcher, {o.Messages:N0} messages due over {o.DueWindow} s, whole cluster down {o.OutageAt} s after the first due time; observed until {o.DelayedObserve} s past the last due time"));
            WriteTable(output, DelayedTable(results));
        }

        if (o.RunsRecurring)
        {
            var results = new List<RecurringOutageResult>();
            for (var round = 1; round <= o.Rounds; round++)
            {
                var result = await RecurringOutageScenario.RunAsync(o, TimeSpan.FromSeconds(o.RecurringOutage));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  recurring, outage {o.RecurringOutage} s, round {round}: owner {result.OwnerBefore} -> {result.OwnerAfter}, resume {Resume(result.TimeToResume, result.ObservedAfterReturn)}, hosts stopped within 30 s: {result.StoppedInTime}/3; log after return: {result.LogAfterReturn}"));
                results.Add(result);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"B. recurring: 3 instances, one exclusive every-second task (misfire RunOnce), whole cluster down after 10 s of steady runs; observed for {o.RecurringObserve} s after the return"));
            WriteTable(output, RecurringTable(results));
        }
    }

    private static List<string[]> DelayedTable(List<DelayedOutageResult> results)
    {
        var rows = new List<string[]> { new[] { "outage", "sent", "delivered before the outage", "delivered", "duplicated", "dead-lettered", "never delivered", "time to resume (first dispatch after return)", "last dispatch after return", "host stop" } };
        rows.AddRange(results.Select(r => new[]
        {
            Seconds(r.Outage),
            Count(r.Sent),
            Count(r.DeliveredBeforeOutage),
            Count(r.Delivered),
            Count(r.Duplicated),
            Count(r.DeadLettered),
            Count(r.NeverDelivered),
            Resume(r.TimeToResume, r.ObservedAfterReturn),
            r.LastDeliveryAfterReturn is { } last ? "+" + Seconds(last) : "-",
            r.HostStop is { } stop ? Seconds(stop) : "did not stop within 30 s",
        }));
        return rows;
    }

    private static List<string[]> RecurringTable(List<RecurringOutageResult> results)
    {
        var rows = new List<string[]> { new[] { "outage", "occurrences due", "run", "run twice", "missed", "longest gap (consecutive missed)", "misfire runs", "runs during outage", "time to resume", "hosts stopped in 30 s" } };
        rows.AddRange(results.Select(r => new[]
        {
            Seconds(r.Outage),
            Count(r.Due),
            Count(r.Run),
            Count(r.RunTwice),
            Count(r.Missed),
            Count(r.LongestGap),
            Count(r.MisfireRuns),
            Count(r.RunsDuringOutage),
            Resume(r.TimeToResume, r.ObservedAfterReturn),
            $"{r.StoppedInTime}/3",
        }));
        return rows;
    }

    // A markdown table, pasted as is into docs/benchmarks-faults.md.
    private static void WriteTable(TextWriter output, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((cell, c) => cell.PadRight(widths[c]))) + " |";
        output.WriteLine(Line(rows[0]));
        output.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in rows.Skip(1))
        {
            output.WriteLine(Line(row));
        }
    }

    private static string Resume(TimeSpan? resume, TimeSpan observed)
        => resume is { } r ? Seconds(r) : string.Create(CultureInfo.InvariantCulture, $"never within {observed.TotalSeconds:F0} s");

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s");

    private static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
