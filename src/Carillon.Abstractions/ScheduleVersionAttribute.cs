namespace Carillon;

/// <summary>
/// Declares the version of a schedule (on the assembly) or of the tasks below it (on a class or method).
/// The nearest attribute applies to a task. Format: <c>MAJOR.MINOR.PATCH[-prerelease]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ScheduleVersionAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public ScheduleVersionAttribute(string version) => Version = version;

    /// <summary>The version.</summary>
    public string Version { get; }
}
