using Microsoft.Extensions.Options;

namespace Carillon.Dashboard.Hosting;

/// <summary>
/// Checks <see cref="CarillonDashboardOptions"/> when the host starts: each bad value gives one message naming its
/// configuration key, like the runtime's options (issue 9 §2). Enabling commands without a policy is refused unless the
/// opt-out is explicit (issue 10: secure by default).
/// </summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<CarillonDashboardOptions>
{
    private const string Root = CarillonDashboardOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, CarillonDashboardOptions options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static IReadOnlyList<string> Check(CarillonDashboardOptions options)
    {
        var failures = new List<string>();
        if (options.EnableCommands && string.IsNullOrWhiteSpace(options.CommandsPolicy) && !options.AllowAnonymousCommands)
        {
            failures.Add(
                $"{Root}:{nameof(CarillonDashboardOptions.CommandsPolicy)} is required when {Root}:{nameof(CarillonDashboardOptions.EnableCommands)} = true: " +
                $"name the authorization policy that may enable, disable, trigger and cancel, or set {Root}:{nameof(CarillonDashboardOptions.AllowAnonymousCommands)} = true to accept commands from anyone who can reach the dashboard.");
        }

        if (options.AllowAnonymousCommands && !string.IsNullOrWhiteSpace(options.CommandsPolicy))
        {
            failures.Add(
                $"{Root}:{nameof(CarillonDashboardOptions.AllowAnonymousCommands)} = true contradicts {Root}:{nameof(CarillonDashboardOptions.CommandsPolicy)} = '{options.CommandsPolicy}': set one of them.");
        }

        if (options.RefreshInterval < TimeSpan.FromMilliseconds(500) || options.RefreshInterval > TimeSpan.FromSeconds(60))
        {
            failures.Add($"{Root}:{nameof(CarillonDashboardOptions.RefreshInterval)} = {options.RefreshInterval} is invalid: it must be between 00:00:00.5 and 00:01:00.");
        }

        if (options.MaxRuns is < 1 or > 1000)
        {
            failures.Add($"{Root}:{nameof(CarillonDashboardOptions.MaxRuns)} = {options.MaxRuns} is invalid: it must be between 1 and 1000.");
        }

        return failures;
    }
}
