using Carillon.Dashboard.Tests.Doubles;
using Carillon.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Carillon.Dashboard.Tests.Live;

/// <summary>
/// A real application, nothing doubled: the generated schedule (<see cref="LedgerJobs"/>) run by Carillon's recurring
/// executor on an embedded Kafka cluster, with the read model (<see cref="Monitoring.IScheduleMonitor"/>) that
/// <c>AddCarillon</c> registers and the dashboard mapped on Kestrel at a loopback port. Commands are on under the "ops"
/// policy (header authentication, as in <see cref="DashboardApp"/>). It defines one recurring message at start.
/// </summary>
public sealed class LiveApp : IAsyncDisposable
{
    public const string Prefix = "/carillon";
    public const string Instance = "ledger-app-1";
    public const string RecurringMessage = "tenant-42.monthly-report";
    public const string RecurringMessageDescription = "Monthly statement for tenant <42>";

    private readonly EmbeddedKafka _kafka;

    private LiveApp(EmbeddedKafka kafka, WebApplication app)
    {
        _kafka = kafka;
        App = app;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public Uri PageAddress => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + Prefix + "/");

    public static async Task<LiveApp> StartAsync()
    {
        var kafka = EmbeddedKafka.Start(brokers: 1);
        try
        {
            var defaults = new CarillonOptions();
            // The mock cluster has no CreateTopics request: the topics are created here, as an operator would.
            kafka.CreateTopic(defaults.Recurring.Topic, 1);
            kafka.CreateTopic(defaults.Recurring.LogsTopic, 1);
            kafka.CreateTopic(defaults.RecurringMessages.Topic, 3);

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Services.AddGeneratedSchedules(o =>
            {
                o.BootstrapServers = kafka.BootstrapServers;
                o.InstanceId = Instance;
                o.SessionTimeout = TimeSpan.FromSeconds(6);
                o.ProvisionTopics = false;
                o.Delayed.Enabled = false;
                o.RecurringMessages.Partitions = 3;
            });
            builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
            builder.Services.AddAuthorizationBuilder().AddPolicy(DashboardApp.OpsPolicy, p => p.RequireRole("ops"));
            builder.Services.AddCarillonDashboard(o =>
            {
                o.EnableCommands = true;
                o.CommandsPolicy = DashboardApp.OpsPolicy;
            });

            var app = builder.Build();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapCarillonDashboard(Prefix);
            await app.StartAsync();

            // A schedule defined at run time (issue 11), as an app would for each tenant; monthly, so it fires only when triggered.
            await app.Services.GetRequiredService<IRecurringMessages>().AddOrUpdateAsync(
                RecurringMessage, "0 0 6 1 * *", "reports", "tenant-42"u8.ToArray(), "{}"u8.ToArray(),
                options: new RecurringMessageOptions { TimeZone = "Europe/Paris", Description = RecurringMessageDescription });
            return new LiveApp(kafka, app);
        }
        catch
        {
            kafka.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await App.StopAsync(timeout.Token);
        }

        await App.DisposeAsync();
        _kafka.Dispose();
    }
}
