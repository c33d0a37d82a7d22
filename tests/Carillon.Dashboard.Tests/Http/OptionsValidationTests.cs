using Carillon.Dashboard.Tests.Doubles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Carillon.Dashboard.Tests.Http;

/// <summary>Enabling commands without a policy or an explicit opt-out stops the app at start, naming the key.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public async Task Commands_without_a_policy_fail_at_start_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => DashboardApp.StartAsync(o => o.EnableCommands = true));

        Assert.Contains("Carillon:Dashboard:CommandsPolicy", error.Message);
        Assert.Contains("Carillon:Dashboard:AllowAnonymousCommands", error.Message);
    }

    [Fact]
    public async Task Policy_and_anonymous_opt_out_together_fail_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => DashboardApp.StartAsync(o =>
        {
            o.EnableCommands = true;
            o.CommandsPolicy = "ops";
            o.AllowAnonymousCommands = true;
        }));

        Assert.Contains("Carillon:Dashboard:AllowAnonymousCommands", error.Message);
    }

    [Fact]
    public async Task Refresh_interval_out_of_range_fails_at_start_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => DashboardApp.StartAsync(o => o.RefreshInterval = TimeSpan.Zero));

        Assert.Contains("Carillon:Dashboard:RefreshInterval", error.Message);
    }

    [Fact]
    public void A_refresh_interval_that_is_not_a_time_span_fails_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Carillon:Dashboard:RefreshInterval"] = "often" }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddCarillonDashboard();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CarillonDashboardOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("Carillon:Dashboard:RefreshInterval = 'often' is invalid: must be a time span", StringComparison.Ordinal));
    }
}
