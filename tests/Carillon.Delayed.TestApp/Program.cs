using Carillon;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A dispatcher process for the multi-process tests: configured through environment variables
// (Carillon__BootstrapServers, …), it prints "started" once the host runs and logs partition moves.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Logging.SetMinimumLevel(LogLevel.Information);

// Partition moves are logged at Debug since issue 9 (quiet by default); the multi-process tests read them.
builder.Logging.AddFilter("Carillon.Delayed.Dispatching", LogLevel.Debug);
builder.Logging.AddFilter("Carillon.RecurringMessages.Firing.Ownership", LogLevel.Debug);
builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", []));
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"started pid={Environment.ProcessId}");
await host.WaitForShutdownAsync();
