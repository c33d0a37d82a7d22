using Carillon.Dashboard;
using Carillon.Dashboard.Api;
using Carillon.Dashboard.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Carillon dashboard: its page, its JSON API and, when enabled, its command endpoints.</summary>
public static class DashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard under <paramref name="prefix"/> (the page at <c>{prefix}/</c>, the API under
    /// <c>{prefix}/api</c>) and returns the group, so conventions apply to every endpoint:
    /// <c>app.MapCarillonDashboard("/carillon").RequireAuthorization("ops")</c>. Requires
    /// <c>services.AddCarillonDashboard()</c>. See docs/dashboard.md.
    /// </summary>
    public static IEndpointConventionBuilder MapCarillonDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/carillon")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);

        if (endpoints.ServiceProvider.GetService<DashboardMarker>() is null)
        {
            throw new InvalidOperationException("MapCarillonDashboard needs the dashboard's services: call services.AddCarillonDashboard() first.");
        }

        // Reading the options here checks them (the validator runs on first read), so a bad configuration fails at
        // start-up with the key it names, before any request.
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<CarillonDashboardOptions>>().Value;

        var group = endpoints.MapGroup(prefix);
        group.AddEndpointFilter(SecurityHeaders.Filter);
        PageEndpoints.Map(group);
        ReadEndpoints.Map(group);
        EventEndpoints.Map(group);
        if (options.EnableCommands)
        {
            // Off by default: unmapped, the command routes answer 404 (issue 10: secure by default).
            CommandEndpoints.Map(group, options);
        }

        return group;
    }
}
