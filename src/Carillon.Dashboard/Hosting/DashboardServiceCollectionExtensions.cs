using Carillon.Dashboard;
using Carillon.Dashboard.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Carillon dashboard's services; map its endpoints with <c>MapCarillonDashboard</c>.</summary>
public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Registers the dashboard: options bound from <c>Carillon:Dashboard</c> then <paramref name="configure"/>, checked
    /// when the host starts, and ASP.NET Core antiforgery, which protects the command endpoints. The dashboard reads
    /// <see cref="Carillon.Monitoring.IScheduleMonitor"/>, <see cref="Carillon.IScheduleCommands"/> and
    /// <see cref="Carillon.IDelayedMessagePublisher"/> from the container.
    /// </summary>
    public static IServiceCollection AddCarillonDashboard(this IServiceCollection services, Action<CarillonDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<CarillonDashboardOptions>();
        options.BindCheckedConfiguration(CarillonDashboardOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CarillonDashboardOptions>, DashboardOptionsValidator>());
        services.AddAntiforgery();
        services.TryAddSingleton<DashboardMarker>();
        return services;
    }
}
