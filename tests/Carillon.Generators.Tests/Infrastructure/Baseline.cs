using System.Runtime.CompilerServices;

namespace Carillon.Generators.Tests.Infrastructure;

/// <summary>
/// Generated code kept as files beside the tests (<c>Generator/Baselines/*.generated.txt</c>), so a reviewer sees the
/// generated code change in a diff. Set <c>CARILLON_UPDATE_BASELINES=1</c> to rewrite them after an intended change.
/// </summary>
internal static class Baseline
{
    public static void Match(string actual, string name, [CallerFilePath] string callerPath = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(callerPath)!, "Baselines", name + ".generated.txt");
        actual = actual.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("CARILLON_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No baseline {path}: run the tests with CARILLON_UPDATE_BASELINES=1 to write it, then review it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }
}
