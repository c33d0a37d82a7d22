namespace Carillon.Generators.Tests.Generator;

/// <summary>
/// A stand-in for the Carillon runtime's <c>AddCarillon</c>, so tests can check the generated code calls it without
/// referencing the runtime project (which the generator detects by type name).
/// </summary>
internal static class RuntimeStub
{
    public const string Source = """
        namespace Carillon { public sealed class CarillonOptions { public string? BootstrapServers { get; set; } } }
        namespace Microsoft.Extensions.DependencyInjection
        {
            public static class CarillonServiceCollectionExtensions
            {
                public static IServiceCollection AddCarillon(this IServiceCollection services, Carillon.IScheduleRegistry registry, System.Action<Carillon.CarillonOptions>? configure = null)
                {
                    Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton(services, registry);
                    configure?.Invoke(new Carillon.CarillonOptions());
                    services.AddSingleton(typeof(string), "runtime-added");
                    return services;
                }
            }
        }

        """;
}
