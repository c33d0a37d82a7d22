using System.CommandLine;
using Carillon.Cli.Commands;

var root = new RootCommand("carillon: operate Carillon schedules and delayed messages on Kafka")
{
    KafkaCommand.Create(),
    TopicsCommand.Create(),
    TasksCommand.Create(),
    LogsCommand.Create(),
    DelayedCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
