using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Carillon.Hosting.Configuration;

/// <summary>
/// Wraps the application's <see cref="IHostLifetime"/> so that the checked options are validated when the host asks the
/// lifetime to start, the first step of <c>StartAsync</c>: a bad value escapes <c>StartAsync</c> as the options'
/// <see cref="OptionsValidationException"/> before the host has logged anything, instead of after the host logged it
/// with its stack trace ("Hosting failed to start"); <see cref="StartupFailureExit"/> then prints one line per value.
/// The host's own start validation still runs, and covers a lifetime registered after Carillon.
/// </summary>
internal sealed class CheckedStartLifetime(IHostLifetime inner, IEnumerable<OptionsStartCheck> checks) : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        foreach (var check in checks)
        {
            try
            {
                check.Run();
            }
            catch (OptionsValidationException e)
            {
                failures.Add(e);
            }
        }

        if (failures.Count == 1)
        {
            ExceptionDispatchInfo.Capture(failures[0]).Throw();
        }
        else if (failures.Count > 1)
        {
            throw new AggregateException("The options of more than one section are invalid.", failures);
        }

        return inner.WaitForStartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    /// <summary>Wraps the lifetime registered so far, once per service collection; without one, nothing is wrapped.</summary>
    public static void Install(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Marker)))
        {
            return;
        }

        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IHostLifetime) && !d.IsKeyedService);
        if (registered is null)
        {
            return;
        }

        services.AddSingleton<Marker>();
        services.Add(ServiceDescriptor.Singleton<IHostLifetime>(sp => new CheckedStartLifetime(Create(sp, registered), sp.GetServices<OptionsStartCheck>())));
    }

    private static IHostLifetime Create(IServiceProvider services, ServiceDescriptor registered)
        => registered.ImplementationInstance as IHostLifetime
            ?? registered.ImplementationFactory?.Invoke(services) as IHostLifetime
            ?? (IHostLifetime)ActivatorUtilities.CreateInstance(services, registered.ImplementationType!);

    private sealed class Marker;
}
