using System.CommandLine;
using Carillon.Kafka;
using Carillon.Recurring.Ownership;
using Carillon.Recurring.State;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Carillon.Cli.Commands;

/// <summary>
/// <c>carillon tasks enable|disable|trigger &lt;id|*&gt;</c>: writes the same command records as
/// <c>IScheduleCommands</c>. The CLI has no registry, so an unknown ID is only reported by the owner's log and metric.
/// </summary>
internal static class TasksCommand
{
    public static Command Create()
    {
        var tasks = new Command("tasks", "Recurring-task commands, applied in order by the schedule's owner");
        tasks.Subcommands.Add(Verb("enable", "Enable a task (or * for all); persists across restarts", ScheduleCommand.Enable));
        tasks.Subcommands.Add(Verb("disable", "Disable a task (or * for all); persists across restarts", ScheduleCommand.Disable));
        tasks.Subcommands.Add(Verb("trigger", "Run a task (or * for all) once now, even when disabled", ScheduleCommand.Trigger));
        return tasks;
    }

    private static Command Verb(string name, string description, ScheduleCommand command)
    {
        var taskId = new Argument<string>("task-id") { Description = "Task ID, or * for every task" };
        var verb = new Command(name, description) { taskId, CliOptions.Bootstrap, CliOptions.SchedulesTopic };
        verb.SetAction(async (parse, cancellationToken) =>
        {
            var options = CliOptions.Build(parse);
            options.SchedulesTopic = parse.GetValue(CliOptions.SchedulesTopic)!;
            var clients = new KafkaClientFactory(Options.Create(options));
            using var producer = new ProducerBuilder<byte[], byte[]>(clients.Producer(c => c.EnableIdempotence = true)).Build();
            var record = new CommandRecord(command, parse.GetValue(taskId)!, options.InstanceId, DateTimeOffset.UtcNow);
            var result = await producer.ProduceAsync(new TopicPartition(options.SchedulesTopic, 0), StateMessages.State(record), cancellationToken);
            Console.Out.WriteLine($"{name} {record.TaskId}: written at {result.TopicPartitionOffset}");
            return 0;
        });
        return verb;
    }
}
