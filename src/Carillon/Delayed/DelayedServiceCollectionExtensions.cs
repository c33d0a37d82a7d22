using Carillon.Delayed.Dispatching;
using Carillon.Delayed.Publishing;
using Carillon.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.Delayed;

internal static class DelayedServiceCollectionExtensions
{
    /// <summary>Registers the delayed-message publisher and (unless disabled) the dispatcher.</summary>
    public static IServiceCollection AddCarillonDelayed(this IServiceCollection services)
    {
        services.TryAddSingleton<IDelayedMessagePublisher, DelayedMessagePublisher>();

        // Registered always, started only when enabled: the option is read when the host starts, after configuration.
        services.AddHostedService(sp => sp.GetRequiredService<IOptions<CarillonOptions>>().Value.Delayed.EnableDispatcher
            ? new DelayedDispatcher(sp.GetRequiredService<KafkaClientFactory>(), sp.GetRequiredService<TopicProvisioner>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DelayedDispatcher>>())
            : (Microsoft.Extensions.Hosting.IHostedService)new DisabledDispatcher());
        return services;
    }

    private sealed class DisabledDispatcher : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
