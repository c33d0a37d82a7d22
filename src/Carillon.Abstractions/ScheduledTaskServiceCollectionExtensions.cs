using Carillon;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what a schedule registry's tasks take from the service provider.</summary>
public static class ScheduledTaskServiceCollectionExtensions
{
    /// <summary>
    /// Registers the declaring type of every instance task (<see cref="ScheduledTaskDescriptor.ServiceType"/>) as scoped,
    /// so that each run gets its own instance from its scope and the scope disposes it. A type the application
    /// registered already keeps its registration. Done here, from the descriptors, rather than by a generated statement
    /// per type: the types of referenced libraries' tasks are registered too, and the generated code stays small
    /// (issue 14, docs/benchmarks-compile-time.md).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="registry">The registry whose tasks' types to register.</param>
    public static IServiceCollection AddScheduledTaskServices(this IServiceCollection services, IScheduleRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var task in registry.Tasks)
        {
            if (task.ServiceType is { } type)
            {
                services.TryAddScoped(type);
            }
        }

        return services;
    }
}
