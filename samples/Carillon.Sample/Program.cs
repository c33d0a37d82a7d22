using Carillon;
using Carillon.Sample;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

[assembly: ScheduleVersion("1.0.0")]

// "--list" is ours, not a configuration switch: keep it away from the host's command-line provider.
var listOnly = args.Contains("--list");
var builder = Host.CreateApplicationBuilder(args.Where(a => a != "--list").ToArray());
builder.Services.AddSampleSchedules();
builder.Services.AddHostedService<Carillon.Sample.Orders.CartReminderListener>();

using var host = builder.Build();
ScheduleListing.Print(host.Services.GetRequiredService<IScheduleRegistry>(), Console.Out, DateTimeOffset.UtcNow);
if (listOnly)
{
    return 0;
}

await host.RunAsync();
return 0;
