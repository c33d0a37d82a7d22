namespace Carillon.Package.Tests;

/// <summary>
/// A second consumer, written the way a user writes a web app: the Carillon and Carillon.Dashboard packages, four
/// scheduled tasks in four time zones (one succeeds every second, one fails every two seconds, two run once a day and
/// have not run yet), no Kafka configured (Carillon starts its embedded broker and the app prints where it is), and the
/// dashboard mapped. Nothing in it was written for the control plane: <c>carillon tasks list</c> and the dashboard must
/// find its tasks from the topics alone (issue 10, "Must show").
/// </summary>
internal static class ControlPlaneApp
{
    /// <summary>The tasks the app declares: ID, cron, zone.</summary>
    public static readonly IReadOnlyList<(string Id, string Cron, string Zone)> Tasks =
    [
        ("heartbeat", "* * * * * *", "UTC"),
        ("newyork.open", "0 30 9 * * 1-5", "America/New_York"),
        ("paris.report", "0 0 6 * * *", "Europe/Paris"),
        ("tokyo.sync", "*/2 * * * * *", "Asia/Tokyo"),
    ];

    public static void Write(string app, string version)
    {
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "ControlPlaneApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Carillon" Version="{version}" />
                <PackageReference Include="Carillon.Dashboard" Version="{version}" />
              </ItemGroup>
            </Project>
            """);

        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Carillon;
            using Microsoft.Extensions.Options;

            [assembly: ScheduleVersion("3.1.0")]

            var builder = WebApplication.CreateBuilder(args);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddGeneratedSchedules();
            builder.Services.AddCarillonDashboard();

            var app = builder.Build();
            app.MapCarillonDashboard("/carillon");
            await app.StartAsync();

            // No Carillon:BootstrapServers: Carillon runs its embedded broker. Say where, for the operator's tools.
            Console.WriteLine("kafka=" + app.Services.GetRequiredService<IOptions<CarillonOptions>>().Value.BootstrapServers);
            Console.WriteLine("http=" + app.Urls.First());
            await app.WaitForShutdownAsync();

            public static class Jobs
            {
                [ScheduledAction("* * * * * *", Id = "heartbeat")]
                public static void Heartbeat()
                {
                }

                [ScheduledAction("*/2 * * * * *", Id = "tokyo.sync", TimeZone = "Asia/Tokyo")]
                public static void TokyoSync() => throw new InvalidOperationException("the Tokyo endpoint refused the sync");

                [ScheduledAction("0 0 6 * * *", Id = "paris.report", TimeZone = "Europe/Paris")]
                public static void ParisReport()
                {
                }

                [ScheduledAction("0 30 9 * * 1-5", Id = "newyork.open", TimeZone = "America/New_York")]
                public static void NewYorkOpen()
                {
                }
            }
            """);
    }
}
