using System.Net;
using Carillon;
using Carillon.Sample;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

[assembly: ScheduleVersion("1.0.0")]

// "--list" is ours, not a configuration switch: keep it away from the host's command-line provider.
var listOnly = args.Contains("--list");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--list").ToArray());
builder.Services.AddSampleSchedules();
builder.Services.AddHostedService<Carillon.Sample.Orders.CartReminderListener>();

// The dashboard (docs/dashboard.md) on loopback only, unless ASPNETCORE_URLS / --urls say otherwise.
if (builder.Configuration["urls"] is null)
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}
// Authorization, an explicit choice: commands (enable, disable, trigger, cancel) are on, for requests from this machine
// only ("local-operator"). A real app names a policy of its own authentication instead, e.g. CommandsPolicy = "ops" and
// MapCarillonDashboard("/carillon").RequireAuthorization("ops") to protect the read endpoints too.
builder.Services.AddAuthorizationBuilder().AddPolicy("local-operator", policy => policy.RequireAssertion(context =>
    context.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)));
builder.Services.AddCarillonDashboard(options =>
{
    options.EnableCommands = true;
    options.CommandsPolicy = "local-operator";
});

var app = builder.Build();
ScheduleListing.Print(app.Services.GetRequiredService<IScheduleRegistry>(), Console.Out, DateTimeOffset.UtcNow);
if (listOnly)
{
    return 0;
}

app.UseAuthorization();
app.MapCarillonDashboard("/carillon");
await app.RunAsync();
return 0;
