using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Recurring;

internal static class RecurringServiceCollectionExtensions
{
    /// <summary>Registers the recurring-task executor.</summary>
    public static IServiceCollection AddCarillonRecurring(this IServiceCollection services) => services;
}
