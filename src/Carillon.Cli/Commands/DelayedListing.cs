using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Carillon.Cli.Output;

namespace Carillon.Cli.Commands;

/// <summary><c>carillon delayed stats</c> and <c>carillon delayed dead-letters</c> (issue 10).</summary>
internal static class DelayedListing
{
    public static Command Stats()
    {
        var stats = new Command("stats", "Per partition of the delayed topic: pending, next due, oldest pending, dispatched, dead-lettered")
        {
            MonitorSession.Json,
        };
        CliAction.Set(stats, async (options, parse, cancellationToken) =>
        {
            using var session = await MonitorSession.OpenAsync(options, parse, cancellationToken);
            var delayed = session.Monitor.GetDelayed();
            if (parse.GetValue(MonitorSession.Json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(delayed, CliJsonContext.Default.DelayedView));
                return CliExitCodes.Ok;
            }

            var table = new TextTable("PARTITION", "PENDING", "NEXT DUE", "OLDEST PENDING", "DISPATCHED", "DEAD-LETTERED");
            foreach (var p in delayed.Partitions)
            {
                table.Add(Number(p.Partition), Number(p.Pending), TextTable.Time(p.NextDue), TextTable.Time(p.OldestPending), Number(p.Dispatched), Number(p.DeadLettered));
            }

            table.Add("total", Number(delayed.Pending), TextTable.Time(delayed.Partitions.Min(p => p.NextDue)), TextTable.Time(delayed.Partitions.Min(p => p.OldestPending)), Number(delayed.Dispatched), Number(delayed.DeadLettered));
            table.WriteTo(Console.Out);
            return CliExitCodes.Ok;
        });
        return stats;
    }

    public static Command DeadLetters()
    {
        var max = new Option<int>("--max") { Description = "How many of the most recent dead letters to show", DefaultValueFactory = _ => 100 };
        var deadLetters = new Command("dead-letters", "The most recent dead letters, newest first: reason, target, key")
        {
            MonitorSession.Json, max,
        };
        CliAction.Set(deadLetters, async (options, parse, cancellationToken) =>
        {
            using var session = await MonitorSession.OpenAsync(options, parse, cancellationToken);
            var letters = session.Monitor.GetDeadLetters(Math.Max(0, parse.GetValue(max)));
            if (parse.GetValue(MonitorSession.Json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(letters, CliJsonContext.Default.IReadOnlyListDeadLetterView));
                return CliExitCodes.Ok;
            }

            var table = new TextTable("AT", "REASON", "TARGET", "KEY", "DELIVER AT", "SOURCE");
            foreach (var d in letters)
            {
                table.Add(TextTable.Time(d.At), d.Reason, d.TargetTopic, d.ScheduleKey, TextTable.Time(d.DeliverAt), $"{d.SourcePartition}@{d.SourceOffset}");
            }

            table.WriteTo(Console.Out);
            return CliExitCodes.Ok;
        });
        return deadLetters;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
