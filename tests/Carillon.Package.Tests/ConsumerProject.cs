namespace Carillon.Package.Tests;

/// <summary>Writes a fresh console app that uses Carillon the way a user would: one package reference.</summary>
internal static class ConsumerProject
{
    public static void Write(string app, string root, string feed, string version)
    {
        Directory.CreateDirectory(app);

        // Empty props at the root stop MSBuild from walking up into anything else (and central package management).
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), "<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n</Project>\n");

        // Own packages folder (isolation); the machine's global folder only as a read-only fallback for third-party packages.
        var fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(root, "packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="carillon-local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="machine" value="{fallback}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        File.WriteAllText(Path.Combine(app, "ConsumerApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Carillon" Version="{version}" />
              </ItemGroup>
            </Project>
            """);

        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Carillon;
            using Microsoft.Extensions.DependencyInjection;

            [assembly: ScheduleVersion("4.2.0")]

            // The Carillon package brings DI abstractions only; a minimal provider is enough to resolve what
            // AddGeneratedSchedules registered.
            var services = new ServiceCollection();
            services.AddGeneratedSchedules();
            var provider = new MiniProvider(services);
            var registry = (IScheduleRegistry)provider.GetService(typeof(IScheduleRegistry))!;
            Console.WriteLine($"version={registry.Version} count={registry.Tasks.Count}");
            foreach (var task in registry.Tasks)
            {
                Console.WriteLine($"task={task.Id} cron={task.Cron}");
                await task.InvokeAsync(provider, CancellationToken.None);
            }

            public static class Jobs
            {
                [ScheduledAction("*/5 * * * *")]
                public static void Tick(ScheduledActionContext context) => Console.WriteLine("invoked=" + context.TaskId);
            }

            public sealed class Reports
            {
                [ScheduledAction("0 0 4 * * *", Id = "reports.nightly", TimeZone = "Europe/Paris")]
                public Task Nightly(CancellationToken cancellationToken)
                {
                    Console.WriteLine("invoked=reports.nightly");
                    return Task.CompletedTask;
                }
            }

            /// <summary>Resolves singletons by instance or factory and everything else by its parameterless constructor.</summary>
            internal sealed class MiniProvider(IServiceCollection services) : IServiceProvider
            {
                public object? GetService(Type serviceType)
                {
                    var descriptor = services.LastOrDefault(d => d.ServiceType == serviceType);
                    if (descriptor is null)
                    {
                        return null;
                    }

                    return descriptor.ImplementationInstance ?? descriptor.ImplementationFactory?.Invoke(this) ?? Activator.CreateInstance(descriptor.ImplementationType ?? serviceType);
                }
            }
            """);
    }
}
