namespace Carillon.Generators.Models
{
    /// <summary>A generated registry found in a referenced assembly through its <c>[assembly: ScheduleRegistry]</c>.</summary>
    internal sealed record ReferencedRegistryModel(string AssemblyName, string TypeName, EquatableArray<string> TaskIds);
}
