using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Sample;

/// <summary>
/// The sample's service registrations, shared by <c>Program.cs</c> and its tests (samples/Carillon.Sample.Tests run the
/// same container on a simulated clock; docs/testing.md).
/// </summary>
public static class SampleServices
{
    /// <summary>Adds the generated schedule (and the Carillon runtime) and the sample's own services.</summary>
    public static IServiceCollection AddSampleSchedules(this IServiceCollection services) => services.AddGeneratedSchedules();
}
