using System.CommandLine;
using Carillon.Protocol;
using Confluent.Kafka;

namespace Carillon.Cli.Commands;

/// <summary>
/// <c>carillon tasks enable|disable|trigger &lt;id|*&gt;</c>: writes the same command records as
/// <c>IScheduleCommands</c>. An ID the schedule's stored state does not know is refused (exit code 4) unless
/// <c>--force</c> is given, since the owner would only log and skip it.
/// </summary>
internal static class TasksCommand
{
    private static readonly Option<bool> s_force = new("--force", "-f")
    {
        Description = "Write the command even when the stored schedule does not know the task ID",
    };

    public static Command Create()
    {
        var tasks = new Command("tasks", "Recurring tasks: list and show them; enable, disable and trigger commands, applied in order by the schedule's owner");
        tasks.Subcommands.Add(TaskListing.List());
        tasks.Subcommands.Add(TaskListing.Show());
        tasks.Subcommands.Add(Verb("enable", "Enable a task (or * for all); persists across restarts", ScheduleCommand.Enable));
        tasks.Subcommands.Add(Verb("disable", "Disable a task (or * for all); persists across restarts", ScheduleCommand.Disable));
        tasks.Subcommands.Add(Verb("trigger", "Run a task (or * for all) once now, even when disabled", ScheduleCommand.Trigger));
        return tasks;
    }

    private static Command Verb(string name, string description, ScheduleCommand command)
    {
        var taskId = new Argument<string>("task-id") { Description = "Task ID, or * for every task" };
        var verb = new Command(name, description) { taskId, CliOptions.SchedulesTopic, s_force };
        CliAction.Set(verb, async (options, parse, cancellationToken) =>
        {
            options.Recurring.Topic = parse.GetValue(CliOptions.SchedulesTopic)!;
            var id = parse.GetValue(taskId)!;
            using var deadline = CliAction.Deadline(parse, cancellationToken);
            if (id != "*" && !parse.GetValue(s_force))
            {
                var known = KnownTasks.Read(options, parse.GetValue(CliOptions.Timeout), deadline.Token);
                if (known is not null && !known.Contains(id))
                {
                    var names = string.Join(", ", known.Order(StringComparer.Ordinal).Take(20));
                    throw new CliException($"task '{id}' is not in the stored schedule (known: {names}); nothing written. Use --force to write it anyway.", CliExitCodes.UnknownTask);
                }
            }

            using var producer = CliClients.Producer(options, c => c.EnableIdempotence = true);
            var message = ScheduleProtocol.CreateCommand(command, id, options.InstanceId);
            var result = await producer.ProduceAsync(new TopicPartition(options.Recurring.Topic, 0), message, deadline.Token);
            Console.Out.WriteLine($"{name} {id}: written at {result.TopicPartitionOffset}");
            return CliExitCodes.Ok;
        });
        return verb;
    }
}
