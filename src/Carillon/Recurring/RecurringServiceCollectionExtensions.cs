using Carillon.Recurring.Commands;
using Carillon.Recurring.Health;
using Carillon.Recurring.Local;
using Carillon.Recurring.Ownership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Carillon.Recurring;

internal static class RecurringServiceCollectionExtensions
{
    /// <summary>
    /// Registers the recurring-task executor: the schedule owner (exclusive tasks), the per-instance runner
    /// (<c>Exclusive = false</c>), <see cref="IScheduleCommands"/>, and the <c>carillon-recurring</c> health check
    /// (added to <c>AddHealthChecks()</c>, so it shows up wherever the application maps health endpoints).
    /// </summary>
    public static IServiceCollection AddCarillonRecurring(this IServiceCollection services)
    {
        services.TryAddSingleton<RecurringStatus>();
        services.TryAddSingleton<UnschedulableTasks>();
        services.TryAddSingleton<IScheduleCommands, KafkaScheduleCommands>();
        services.AddHostedService<ScheduleOwnerService>();
        services.AddHostedService<LocalTaskService>();
        services.AddHealthChecks().AddCheck<RecurringHealthCheck>(RecurringHealthCheck.Name, tags: ["carillon"]);
        return services;
    }
}
