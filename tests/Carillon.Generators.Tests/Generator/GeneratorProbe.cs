namespace Carillon.Generators.Tests.Generator;

/// <summary>Records calls made by scheduled methods in emitted test assemblies (they run in the test process).</summary>
public static class GeneratorProbe
{
    private static readonly List<string> CallsList = new();

    public static IReadOnlyList<string> Calls
    {
        get
        {
            lock (CallsList)
            {
                return CallsList.ToArray();
            }
        }
    }

    public static void Record(string call)
    {
        lock (CallsList)
        {
            CallsList.Add(call);
        }
    }
}
