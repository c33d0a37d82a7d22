using Carillon.Delayed.Dispatching;
using Carillon.Delayed.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Carillon.Delayed;

internal static class DelayedServiceCollectionExtensions
{
    /// <summary>Registers the delayed-message publisher and the dispatcher (which idles when disabled in the options).</summary>
    public static IServiceCollection AddCarillonDelayed(this IServiceCollection services)
    {
        services.TryAddSingleton<IDelayedMessagePublisher, DelayedMessagePublisher>();
        services.AddHostedService<DelayedDispatcher>();
        return services;
    }
}
