namespace Carillon;

/// <summary>
/// Emitted by the generator on every assembly that declares schedules, so that an application's generator can find
/// the registries of referenced libraries, merge them and check IDs across assemblies. Not for hand use.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class ScheduleRegistryAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public ScheduleRegistryAttribute(Type registryType, params string[] taskIds)
    {
        RegistryType = registryType;
        TaskIds = taskIds;
    }

    /// <summary>The generated registry type; it has a public parameterless constructor.</summary>
    public Type RegistryType { get; }

    /// <summary>The IDs of the tasks it declares.</summary>
    public string[] TaskIds { get; }
}
