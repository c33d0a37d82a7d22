using System.Globalization;
using Carillon;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A minimal Carillon application for multi-process tests and benchmarks. Configuration comes from the environment
// (Carillon__BootstrapServers, Carillon__InstanceId, Carillon__SessionTimeout, ...). Every run prints one line
//   RUN <task> <occurrence-unix-ms> <trigger> <instance> <fired-unix-ms> <lateness-ms>
// to stdout and appends it to $SIDE_EFFECT_DIR/<instance>.txt when set: the side effect tests check for duplicates.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.SetMinimumLevel(LogLevel.Information);

var sideEffectDir = Environment.GetEnvironmentVariable("SIDE_EFFECT_DIR");
var gate = new object();

ValueTask Run(IServiceProvider services, ScheduledActionContext context, CancellationToken cancellationToken)
{
    // Lateness is measured here, at the method, against the wall clock.
    var now = DateTimeOffset.UtcNow;
    var line = string.Create(
        CultureInfo.InvariantCulture,
        $"RUN {context.TaskId} {context.Occurrence.ToUnixTimeMilliseconds()} {context.Trigger} {context.InstanceId} {now.ToUnixTimeMilliseconds()} {(now - context.Occurrence).TotalMilliseconds:F3}");
    lock (gate)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
        if (sideEffectDir is { Length: > 0 })
        {
            File.AppendAllText(Path.Combine(sideEffectDir, context.InstanceId + ".txt"), line + "\n");
        }
    }

    return ValueTask.CompletedTask;
}

var registry = new ScheduleRegistry(Environment.GetEnvironmentVariable("SCHEDULE_VERSION") ?? "1.0.0",
[
    new ScheduledTaskDescriptor("every-second", "* * * * * *", null, false, 0, exclusive: true, enabled: true, MisfirePolicy.RunOnce, "1.0.0", "TestApp.Jobs", "EverySecond", Run),
    new ScheduledTaskDescriptor("every-second-skip", "* * * * * *", null, false, 0, exclusive: true, enabled: true, MisfirePolicy.Skip, "1.0.0", "TestApp.Jobs", "EverySecondSkip", Run),
]);

builder.Services.AddCarillon(registry, o => o.Delayed.Enabled = false);
using var host = builder.Build();
Console.Out.WriteLine("STARTED " + host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CarillonOptions>>().Value.InstanceId);
await host.RunAsync();
