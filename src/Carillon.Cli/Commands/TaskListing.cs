using System.CommandLine;
using System.Text.Json;
using Carillon.Cli.Output;
using Carillon.Monitoring;

namespace Carillon.Cli.Commands;

/// <summary><c>carillon tasks list</c> and <c>carillon tasks show &lt;id&gt;</c>: the schedule as its topics show it (issue 10).</summary>
internal static class TaskListing
{
    public static Command List()
    {
        var names = new Option<bool>("--names") { Description = "Print only the task IDs, one per line" };
        var list = new Command("list", "List every recurring task: cron, zone, enabled, next run, last outcome, last run, owner")
        {
            MonitorSession.Json, names, CliOptions.SchedulesTopic,
        };
        CliAction.Set(list, async (options, parse, cancellationToken) =>
        {
            using var session = await MonitorSession.OpenAsync(options, parse, cancellationToken);
            var schedule = session.Monitor.GetSchedule();
            if (parse.GetValue(MonitorSession.Json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(schedule, CliJsonContext.Default.ScheduleView));
            }
            else if (parse.GetValue(names))
            {
                foreach (var task in schedule.Tasks)
                {
                    Console.Out.WriteLine(TextTable.Safe(task.Id));
                }
            }
            else
            {
                WriteTable(schedule);
            }

            return CliExitCodes.Ok;
        });
        return list;
    }

    public static Command Show()
    {
        var taskId = new Argument<string>("task-id") { Description = "Task ID" };
        var runs = new Option<int>("--runs") { Description = "How many recent runs to show", DefaultValueFactory = _ => 20 };
        var show = new Command("show", "Show one task: its definition, state and recent runs (newest first)")
        {
            taskId, MonitorSession.Json, runs, CliOptions.SchedulesTopic,
        };
        CliAction.Set(show, async (options, parse, cancellationToken) =>
        {
            var id = parse.GetValue(taskId)!;
            using var session = await MonitorSession.OpenAsync(options, parse, cancellationToken);
            var task = session.Monitor.GetTask(id) ?? throw new CliException($"task '{TextTable.Safe(id)}' is not in the stored schedule", CliExitCodes.UnknownTask);
            var recent = session.Monitor.GetRecentRuns(id, Math.Max(0, parse.GetValue(runs)));
            if (parse.GetValue(MonitorSession.Json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new TaskDetails(task, recent), CliJsonContext.Default.TaskDetails));
                return CliExitCodes.Ok;
            }

            var owner = session.Monitor.GetSchedule().OwnerInstance;
            var facts = new TextTable("FIELD", "VALUE");
            facts.Add("id", task.Id);
            facts.Add("cron", task.Cron);
            facts.Add("zone", task.TimeZone);
            facts.Add("enabled", task.Enabled ? "yes" : "no");
            facts.Add("exclusive", task.Exclusive ? "yes (one instance runs it)" : "no (every instance runs it)");
            facts.Add("allow overlap", task.AllowOverlap ? "yes" : "no");
            facts.Add("timeout", task.Timeout is { } t ? t.ToString() : "none");
            facts.Add("version", task.Version);
            facts.Add("next run", NextRun(task));
            facts.Add("owner", task.Exclusive ? owner : "every instance");
            facts.WriteTo(Console.Out);
            Console.Out.WriteLine();
            var table = new TextTable("OCCURRENCE", "START", "DURATION", "OUTCOME", "TRIGGER", "ATTEMPT", "INSTANCE", "ERROR");
            foreach (var run in recent)
            {
                table.Add(
                    TextTable.Time(run.Occurrence),
                    TextTable.Time(run.Start),
                    TextTable.Duration(run.Duration),
                    run.Outcome.ToString(),
                    run.Trigger.ToString(),
                    run.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    run.Instance,
                    run.ErrorType is null ? null : $"{run.ErrorType}: {run.ErrorMessage}");
            }

            table.WriteTo(Console.Out);
            return CliExitCodes.Ok;
        });
        return show;
    }

    private static void WriteTable(ScheduleView schedule)
    {
        var table = new TextTable("ID", "CRON", "ZONE", "ENABLED", "NEXT RUN", "LAST OUTCOME", "LAST RUN", "OWNER");
        foreach (var task in schedule.Tasks)
        {
            table.Add(
                task.Id,
                task.Cron,
                task.TimeZone,
                task.Enabled ? "yes" : "no",
                NextRun(task),
                task.LastRun?.Outcome.ToString(),
                TextTable.Time(task.LastRun?.Start),
                task.Exclusive ? schedule.OwnerInstance : "every instance");
        }

        table.WriteTo(Console.Out);
        Console.Out.WriteLine();
        var standby = schedule.StandbyCount is { } n ? $", {n} standby" : string.Empty;
        Console.Out.WriteLine(schedule.OwnerInstance is null
            ? "owner: none has run yet"
            : $"owner: {TextTable.Safe(schedule.OwnerInstance)} since {TextTable.Time(schedule.OwnerSince)}, schedule version {TextTable.Safe(schedule.ScheduleVersion ?? "-")}{standby}");
    }

    /// <summary>In the task's own zone (its offset shown), with the occurrences it missed when overdue.</summary>
    private static string NextRun(TaskView task)
    {
        var next = TextTable.Time(task.NextOccurrence);
        return task.Overdue ? $"{next} (overdue: {task.MissedOccurrences} missed)" : next;
    }
}
