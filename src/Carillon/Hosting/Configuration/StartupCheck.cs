using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Carillon.Hosting.Configuration;

/// <summary>
/// Resolves the options while the host builds its hosted services, before it runs the start validators: a bad value
/// then escapes <c>StartAsync</c> as the options' <see cref="OptionsValidationException"/> without the host logging it
/// with a stack trace first ("Hosting failed to start"), and <see cref="StartupFailureExit"/> prints its one line per value.
/// </summary>
internal sealed class StartupCheck<TOptions> : IHostedService
    where TOptions : class
{
    public StartupCheck(IOptions<TOptions> options) => _ = options.Value;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
