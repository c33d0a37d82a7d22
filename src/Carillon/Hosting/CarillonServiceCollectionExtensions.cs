using Carillon;
using Carillon.Delayed;
using Carillon.Embedded;
using Carillon.Hosting;
using Carillon.Hosting.Liveness;
using Carillon.Kafka;
using Carillon.Kafka.Health;
using Carillon.Kafka.Ownership;
using Carillon.Monitoring;
using Carillon.Recurring;
using Carillon.RecurringMessages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the Carillon runtime. Applications call the generated <c>AddGeneratedSchedules()</c>, which calls this
/// with the compile-time registry.
/// </summary>
public static class CarillonServiceCollectionExtensions
{
    /// <summary>
    /// Registers the runtime for <paramref name="registry"/> and its tasks' declaring types (scoped, unless registered already);
    /// options bind from the <c>Carillon</c> section.
    /// </summary>
    public static IServiceCollection AddCarillon(this IServiceCollection services, IScheduleRegistry registry, Action<CarillonOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registry);

        // Crons may come from configuration (issue 12): everything downstream reads the registry with them applied.
        services.TryAddSingleton(new DeclaredSchedule(registry));
        services.AddScheduledTaskServices(registry);
        services.TryAddSingleton<IScheduleRegistry>(sp => ConfiguredCrons.Apply(sp.GetRequiredService<DeclaredSchedule>().Registry, sp.GetService<IConfiguration>()));
        var options = services.AddOptions<CarillonOptions>();
        // A value that does not convert (Carillon:GroupProtocol=Fastest) fails validation like any other bad value.
        options.BindCheckedConfiguration(CarillonOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // A bad value stops the host at start with one message naming its key (issue 9 §2).
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CarillonOptions>, CarillonOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CarillonOptions>, ConfiguredCronValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EmbeddedDevelopmentBroker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CarillonOptions>, EmbeddedBrokerOptionsSetup>());
        services.TryAddSingleton<KafkaConnectivity>();
        services.TryAddSingleton<KafkaClientFactory>();
        services.TryAddSingleton<TopicProvisioner>();
        services.TryAddSingleton<LoopMonitor>();
        services.TryAddSingleton<OwnershipServices>();

        // The read model (issue 10) is built on first resolution only: an app that never asks for it runs no consumer.
        services.TryAddSingleton<IScheduleMonitor>(sp => new ScheduleMonitor(
            sp.GetRequiredService<IOptions<CarillonOptions>>().Value,
            sp.GetRequiredService<KafkaClientFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<ScheduleMonitor>()));

        // Read by the application's health endpoints; neither check blocks start or stop (issue 8, issue 9 §5).
        services.AddHealthChecks()
            .AddCheck<KafkaHealthCheck>(KafkaHealthCheck.Name, tags: ["carillon"])
            .AddCheck<LivenessHealthCheck>(LivenessHealthCheck.Name, tags: ["carillon"]);

        // Hosted services start in registration order: the warning comes first, where operators look.
        services.AddHostedService<EmbeddedBrokerWarning>();
        services.AddCarillonRecurring();
        services.AddCarillonDelayed();
        services.AddCarillonRecurringMessages();
        return services;
    }
}
