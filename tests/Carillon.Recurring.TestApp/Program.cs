using System.Globalization;
using Carillon;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A minimal Carillon application for multi-process tests and benchmarks. Configuration comes from the environment
// (Carillon__BootstrapServers, Carillon__InstanceId, Carillon__SessionTimeout, ...). Every run prints one line
//   RUN <task> <occurrence-unix-ms> <trigger> <instance> <fired-unix-ms> <lateness-ms>
// to stdout and appends it to $SIDE_EFFECT_DIR/<instance>.txt when set: the side effect tests check for duplicates.
// With RETRY_CRON set, a third task "retrying" (Retries = 2, RetryDelay = $RETRY_DELAY s, default 6) fails the first two
// attempts of every occurrence and succeeds on the third; each attempt first prints and appends (fsync'd)
//   ATTEMPT <task> <occurrence-unix-ms> <attempt> <instance>
// so that an attempt started just before a SIGKILL is on disk (issue 13's failover between attempts).
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

ValueTask Attempt(IServiceProvider services, ScheduledActionContext context, CancellationToken cancellationToken)
{
    var line = string.Create(CultureInfo.InvariantCulture, $"ATTEMPT {context.TaskId} {context.Occurrence.ToUnixTimeMilliseconds()} {context.Attempt} {context.InstanceId}");
    lock (gate)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
        if (sideEffectDir is { Length: > 0 })
        {
            using var file = new FileStream(Path.Combine(sideEffectDir, context.InstanceId + ".attempts.txt"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            file.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
            file.Flush(flushToDisk: true);
        }
    }

    // The first two attempts fail: the third, the last the task's Retries = 2 allows, succeeds.
    return context.Attempt <= 2 ? throw new InvalidOperationException($"attempt {context.Attempt} fails on purpose") : ValueTask.CompletedTask;
}

List<ScheduledTaskDescriptor> tasks =
[
    new ScheduledTaskDescriptor("every-second", "* * * * * *", null, false, 0, exclusive: true, enabled: true, MisfirePolicy.RunOnce, "1.0.0", "TestApp.Jobs", "EverySecond", Run),
    new ScheduledTaskDescriptor("every-second-skip", "* * * * * *", null, false, 0, exclusive: true, enabled: true, MisfirePolicy.Skip, "1.0.0", "TestApp.Jobs", "EverySecondSkip", Run),
];
if (Environment.GetEnvironmentVariable("RETRY_CRON") is { Length: > 0 } retryCron)
{
    var retryDelay = int.Parse(Environment.GetEnvironmentVariable("RETRY_DELAY") ?? "6", CultureInfo.InvariantCulture);
    tasks.Add(new ScheduledTaskDescriptor("retrying", retryCron, null, false, 0, exclusive: true, enabled: true, MisfirePolicy.RunOnce, "1.0.0", "TestApp.Jobs", "Retrying", Attempt)
        .WithRetries(retries: 2, retryDelaySeconds: retryDelay, retryOnTimeout: false));
}

var registry = new ScheduleRegistry(Environment.GetEnvironmentVariable("SCHEDULE_VERSION") ?? "1.0.0", tasks);

builder.Services.AddCarillon(registry, o => o.Delayed.Enabled = false);
using var host = builder.Build();
Console.Out.WriteLine("STARTED " + host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CarillonOptions>>().Value.InstanceId);
await host.RunAsync();
