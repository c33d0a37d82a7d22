using System.CommandLine;
using Carillon.Cli.Commands;

var root = new RootCommand("carillon: operate Carillon schedules and delayed messages on Kafka")
{
    KafkaCommand.Create(),
    TopicsCommand.Create(),
    TasksCommand.Create(),
    LogsCommand.Create(),
    DelayedCommand.Create(),
    SchedulesCommand.Create(),
};
CliOptions.AddTo(root);

// System.CommandLine names the root command after the running file (Carillon.Cli.dll); the tool's command is
// "carillon". Its own output (help, parse errors) is captured and shown under that name; commands write directly.
using var output = new StringWriter();
using var error = new StringWriter();
var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
Console.Out.Write(output.ToString().Replace(RootCommand.ExecutableName, "carillon", StringComparison.Ordinal));
Console.Error.Write(error.ToString().Replace(RootCommand.ExecutableName, "carillon", StringComparison.Ordinal));
return exitCode;
