using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Carillon.Tests.Hosting;

/// <summary>
/// Issue 12: <c>ConfigurationKey</c> replaces a task's cron at startup when the key is set; the configured value is
/// checked with the build's cron rule, and a bad one stops the host with a message naming the key.
/// </summary>
public sealed class ConfiguredCronTests
{
    private const string Key = "Schedules:NightlyReport";

    [Fact]
    public void Configured_cron_replaces_the_attribute_cron_in_the_registry_the_runtime_reads()
    {
        using var host = Build((Key, "0 3 * * *"));

        var task = Assert.Single(host.Services.GetRequiredService<IScheduleRegistry>().Tasks);

        Assert.Equal("0 3 * * *", task.Cron);
        Assert.Equal(Key, task.ConfigurationKey);
        Assert.Equal("Europe/Paris", task.TimeZone);
        Assert.Equal(TimeSpan.FromSeconds(90), task.Timeout);
    }

    [Fact]
    public void Attribute_cron_is_kept_when_the_key_is_not_set()
    {
        using var host = Build();

        Assert.Equal("0 2 * * *", Assert.Single(host.Services.GetRequiredService<IScheduleRegistry>().Tasks).Cron);
    }

    [Fact]
    public async Task Configured_cron_with_a_wrong_field_stops_the_host_naming_the_key_and_the_field()
    {
        using var host = Build((Key, "61 * * * *"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"{Key} = '61 * * * *' is invalid for scheduled task 'report.nightly'", error.Message, StringComparison.Ordinal);
        Assert.Contains("the minute field '61' is wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_cron_in_another_dialect_stops_the_host_with_the_rewrite()
    {
        using var host = Build((Key, "@every 10m"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(Key, error.Message, StringComparison.Ordinal);
        Assert.Contains("write '*/10 * * * *'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_cron_that_never_fires_stops_the_host()
    {
        using var host = Build((Key, "0 0 30 2 *"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"{Key} = '0 0 30 2 *'", error.Message, StringComparison.Ordinal);
        Assert.Contains("never fires", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_cron_keeps_the_tasks_retry_policy_and_service_type()
    {
        using var host = Build(t => t.WithRetries(3, 30, retryOnTimeout: true), (Key, "0 3 * * *"));

        var task = Assert.Single(host.Services.GetRequiredService<IScheduleRegistry>().Tasks);

        Assert.Equal("0 3 * * *", task.Cron);
        Assert.Equal(Key, task.ConfigurationKey);
        Assert.Equal(3, task.Retries);
        Assert.Equal(TimeSpan.FromSeconds(30), task.RetryDelay);
        Assert.True(task.RetryOnTimeout);
        Assert.Equal(typeof(ReportJobs), task.ServiceType);
    }

    private static IHost Build(params (string Key, string Value)[] settings) => Build(t => t, settings);

    private static IHost Build(Func<ScheduledTaskDescriptor, ScheduledTaskDescriptor> shape, params (string Key, string Value)[] settings)
    {
        // DisableDefaults: no environment variables or appsettings of the machine running the tests.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var values = new Dictionary<string, string?> { ["Carillon:BootstrapServers"] = "localhost:9" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        var task = new ScheduledTaskDescriptor("report.nightly", "0 2 * * *", "Europe/Paris", false, 90, true, true, MisfirePolicy.RunOnce, "1.0.0", "Jobs", "Report", (_, _, _) => ValueTask.CompletedTask)
        {
            ConfigurationKey = Key,
            ServiceType = typeof(ReportJobs),
        };
        builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", [shape(task)]));
        return builder.Build();
    }
}

/// <summary>The declaring type of the task above.</summary>
public sealed class ReportJobs
{
}
