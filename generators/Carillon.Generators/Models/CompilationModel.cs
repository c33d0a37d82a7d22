namespace Carillon.Generators.Models
{
    /// <summary>Compilation-wide facts the emitted code depends on.</summary>
    /// <param name="IsCarillonReferenced">Whether Carillon.Abstractions is referenced at all; nothing is emitted otherwise.</param>
    /// <param name="HasRuntime">Whether the Carillon runtime (<c>AddCarillon</c>) is referenced.</param>
    internal sealed record CompilationModel(
        bool IsCarillonReferenced,
        string AssemblyName,
        string TypeNamePrefix,
        string ScheduleVersion,
        bool HasRuntime,
        EquatableArray<ReferencedRegistryModel> ReferencedRegistries);
}
