using Carillon.Monitoring;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Carillon.Dashboard.Tests.Doubles;

/// <summary>
/// An ASP.NET Core app that maps the dashboard over the test doubles, with an "ops" policy (role ops) and header
/// authentication. In memory (TestServer) for the HTTP tests, on Kestrel at a loopback port for the browser tests.
/// </summary>
public sealed class DashboardApp : IAsyncDisposable
{
    public const string Prefix = "/carillon";
    public const string OpsPolicy = "ops";

    private DashboardApp(WebApplication app, FakeScheduleMonitor monitor, RecordingScheduleCommands commands, RecordingDelayedPublisher publisher)
    {
        App = app;
        Monitor = monitor;
        Commands = commands;
        Publisher = publisher;
    }

    public WebApplication App { get; }

    public FakeScheduleMonitor Monitor { get; }

    public RecordingScheduleCommands Commands { get; }

    public RecordingDelayedPublisher Publisher { get; }

    /// <summary>The dashboard page's address (Kestrel only).</summary>
    public Uri PageAddress => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + Prefix + "/");

    public HttpClient CreateClient() => App.GetTestClient();

    public static async Task<DashboardApp> StartAsync(
        Action<CarillonDashboardOptions>? configure = null,
        bool kestrel = false,
        bool registerMonitor = true,
        Action<IEndpointConventionBuilder>? onGroup = null,
        FakeScheduleMonitor? monitor = null,
        params string[] knownTaskIds)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (kestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        monitor ??= new FakeScheduleMonitor();
        var commands = new RecordingScheduleCommands(knownTaskIds);
        var publisher = new RecordingDelayedPublisher();
        if (registerMonitor)
        {
            builder.Services.AddSingleton<IScheduleMonitor>(monitor);
        }

        builder.Services.AddSingleton<IScheduleCommands>(commands);
        builder.Services.AddSingleton<IDelayedMessagePublisher>(publisher);
        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(OpsPolicy, p => p.RequireRole("ops"));
        builder.Services.AddCarillonDashboard(configure);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        var group = app.MapCarillonDashboard(Prefix);
        onGroup?.Invoke(group);
        await app.StartAsync();
        return new DashboardApp(app, monitor, commands, publisher);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
