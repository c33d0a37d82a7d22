using System.Text.Json;

namespace Carillon.Package.Tests;

/// <summary>
/// Packs Carillon.Abstractions and Carillon (which carries the generator, analyzers, code fixes and Cronos),
/// Carillon.Dashboard and the <c>carillon</c> tool (Carillon.Cli) in Release into a temporary feed once, and prepares
/// consumer projects outside the repository: one that references only the Carillon package, and a web app with the
/// dashboard (<see cref="ControlPlaneApp"/>). The version is unique per run and the consumer restores into its own packages folder, so no
/// stale package from an earlier run (or another engineer's) can be picked up.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(15);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "carillon-package-test-" + Guid.NewGuid().ToString("N")[..12]);

    public string Version { get; } = "0.1.0-pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");

    public string Feed => Path.Combine(Root, "feed");

    public string App => Path.Combine(Root, "app");

    public string WebApp => Path.Combine(Root, "webapp");

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Framework.sln not found above " + AppContext.BaseDirectory);
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        var repo = RepositoryRoot();
        // One pack of a solution filter: each project is evaluated and built once, where a pack per project built the
        // shared ones (Abstractions, Carillon, generators, analyzers) again under each.
        var filter = Path.Combine(Root, "packages.slnf");
        await File.WriteAllTextAsync(filter, $$"""
            {
              "solution": {
                "path": {{JsonSerializer.Serialize(Path.Combine(repo, "Framework.sln"))}},
                "projects": [ "src/Carillon.Abstractions/Carillon.Abstractions.csproj", "src/Carillon/Carillon.csproj", "src/Carillon.Dashboard/Carillon.Dashboard.csproj", "src/Carillon.Cli/Carillon.Cli.csproj" ]
              }
            }
            """);
        var pack = await DotnetCli.RunAsync(repo, CommandTimeout, "pack", filter, "-c", "Release", "-p:PackageOutputPath=" + Feed, "-p:Version=" + Version, "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, pack.Output);
        foreach (var package in new[] { "Carillon.Abstractions", "Carillon", "Carillon.Dashboard", "Carillon.Cli" })
        {
            Assert.True(File.Exists(Path.Combine(Feed, $"{package}.{Version}.nupkg")), $"{package} was not packed:\n{pack.Output}");
        }

        ConsumerProject.Write(App, Root, Feed, Version);
        ControlPlaneApp.Write(WebApp, Version);

        // A local tool manifest at the root, as `dotnet new tool-manifest` writes it: `dotnet tool install --local`.
        Directory.CreateDirectory(Path.Combine(Root, ".config"));
        await File.WriteAllTextAsync(Path.Combine(Root, ".config", "dotnet-tools.json"), "{\n  \"version\": 1,\n  \"isRoot\": true,\n  \"tools\": {}\n}\n");
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }

        return Task.CompletedTask;
    }
}

/// <summary>Packing takes a minute or more: every test class of this project shares one feed.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "packages";
}
