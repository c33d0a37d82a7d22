using System.CommandLine;
using System.Text;
using Carillon.Protocol;
using Confluent.Kafka;

namespace Carillon.Cli.Commands;

/// <summary><c>carillon logs tail</c>: prints execution records (one JSON object per run outcome) as they arrive.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start at the oldest record instead of the end" };
        var max = new Option<int?>("--max") { Description = "Stop after this many records" };
        var logsTopic = new Option<string>("--logs-topic") { Description = "Execution-log topic", DefaultValueFactory = _ => new CarillonOptions().Recurring.LogsTopic };
        var task = new Option<string?>("--task") { Description = "Only runs of this task ID" };
        var outcome = new Option<ScheduledRunOutcome?>("--outcome") { Description = "Only runs with this outcome (Succeeded, Failed, TimedOut, SkippedOverlap, SkippedDisabled, SkippedVersion, Interrupted)" };
        var tail = new Command("tail", "Follow the execution log") { fromBeginning, max, logsTopic, task, outcome };
        CliAction.Set(tail, (options, parse, cancellationToken) =>
        {
            var topic = parse.GetValue(logsTopic)!;
            var limit = parse.GetValue(max);
            var taskFilter = parse.GetValue(task);
            var outcomeFilter = parse.GetValue(outcome);

            // No group: a tail must not move anyone's offsets. Read committed: only outcomes whose transaction landed.
            using var consumer = CliClients.Consumer<Ignore, byte[]>(options, c =>
            {
                c.GroupId = $"carillon-cli-{Guid.NewGuid():N}";
                c.EnableAutoCommit = false;
                c.IsolationLevel = IsolationLevel.ReadCommitted;
                c.FetchWaitMaxMs = 100;
            });
            consumer.Assign(new TopicPartitionOffset(topic, 0, parse.GetValue(fromBeginning) ? Offset.Beginning : Offset.End));
            var printed = 0;
            try
            {
                while (!cancellationToken.IsCancellationRequested && (limit is null || printed < limit))
                {
                    var result = consumer.Consume(cancellationToken);
                    if (taskFilter is not null || outcomeFilter is not null)
                    {
                        // Filtering reads the record with the public codec; one it cannot read matches no filter.
                        var record = ScheduleProtocol.ReadExecutionLog(result.Message.Value);
                        if (record is null || taskFilter is not null && record.Task != taskFilter || outcomeFilter is { } o && record.Outcome != o)
                        {
                            continue;
                        }
                    }

                    Console.Out.WriteLine(Output.TextTable.Safe(Encoding.UTF8.GetString(result.Message.Value)));
                    printed++;
                }
            }
            catch (OperationCanceledException)
            {
            }

            return Task.FromResult(0);
        });

        return new Command("logs", "Execution log") { tail };
    }
}
