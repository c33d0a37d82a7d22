using Carillon.RecurringMessages.Firing.Ownership;
using Carillon.RecurringMessages.Health;
using Carillon.RecurringMessages.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Carillon.RecurringMessages;

internal static class RecurringMessagesServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IRecurringMessages"/> and the owners (which idle when disabled in the options).</summary>
    public static IServiceCollection AddCarillonRecurringMessages(this IServiceCollection services)
    {
        services.TryAddSingleton<IRecurringMessages, RecurringMessagesClient>();
        services.TryAddSingleton<RecurringMessagesStatus>();
        services.AddHostedService<RecurringMessagesOwner>();

        // Read by the application's health endpoints, like carillon-kafka and carillon-liveness (issue 11).
        services.AddHealthChecks().AddCheck<RecurringMessagesHealthCheck>(RecurringMessagesHealthCheck.Name, tags: ["carillon"]);
        return services;
    }
}
