using Carillon.CompileTime;
using Carillon.Recurring.Scheduling;
using Microsoft.Extensions.Configuration;

namespace Carillon.Hosting;

/// <summary>
/// Crons read from configuration (issue 12, <see cref="ScheduledActionAttribute.ConfigurationKey"/>): a task whose key is
/// set runs the configured cron instead of the attribute's. The configured value is checked with the rule the build
/// checks attributes with (<see cref="CronRules.Check"/>) and in the task's time zone, so startup rejects what the
/// build would have rejected, with a message naming the key.
/// </summary>
internal static class ConfiguredCrons
{
    /// <summary>One message per configured cron that cannot run, each naming the key, the value and the reason.</summary>
    public static IReadOnlyList<string> Check(IScheduleRegistry registry, IConfiguration? configuration)
    {
        var failures = new List<string>();
        foreach (var (task, cron) in Overrides(registry, configuration))
        {
            if (Problem(task, cron) is { } problem)
            {
                failures.Add($"{task.ConfigurationKey} = '{cron}' is invalid for scheduled task '{task.Id}': the cron expression {problem}.");
            }
        }

        return failures;
    }

    /// <summary>
    /// The registry the runtime schedules from: <paramref name="registry"/> itself when no key is set, otherwise a copy
    /// whose configured tasks carry the configured cron. Throws when a configured cron is invalid (the options
    /// validation normally stopped the host before).
    /// </summary>
    public static IScheduleRegistry Apply(IScheduleRegistry registry, IConfiguration? configuration)
    {
        var overrides = Overrides(registry, configuration).ToDictionary(o => o.Task.Id, o => o.Cron, StringComparer.Ordinal);
        if (overrides.Count == 0)
        {
            return registry;
        }

        if (Check(registry, configuration) is { Count: > 0 } failures)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }

        var tasks = registry.Tasks.Select(t => overrides.TryGetValue(t.Id, out var cron) ? t.WithCron(cron.Trim()) : t);
        return new ScheduleRegistry(registry.Version, tasks);
    }

    private static IEnumerable<(ScheduledTaskDescriptor Task, string Cron)> Overrides(IScheduleRegistry registry, IConfiguration? configuration)
    {
        if (configuration is null)
        {
            yield break;
        }

        foreach (var task in registry.Tasks)
        {
            if (task.ConfigurationKey is { Length: > 0 } key && configuration[key] is { } value && !string.IsNullOrWhiteSpace(value))
            {
                yield return (task, value);
            }
        }
    }

    private static string? Problem(ScheduledTaskDescriptor task, string cron)
    {
        if (CronRules.Check(cron, out var error) != CronVerdict.Valid)
        {
            return error;
        }

        try
        {
            CronSchedule.Parse(cron, task.TimeZone);
            return null;
        }
        catch (Exception e) when (CronSchedule.IsParseError(e))
        {
            return $"cannot run in time zone '{task.TimeZone}': {e.Message}";
        }
    }
}

/// <summary>Stops the host at start when a configured cron is invalid (<c>ValidateOnStart</c>), like every Carillon setting.</summary>
internal sealed class ConfiguredCronValidator(DeclaredSchedule declared, IConfiguration? configuration = null) : Microsoft.Extensions.Options.IValidateOptions<CarillonOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, CarillonOptions options)
    {
        var failures = ConfiguredCrons.Check(declared.Registry, configuration);
        return failures.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The registry as compiled, before configuration overrides its crons; the validator checks the overrides against it.</summary>
internal sealed record DeclaredSchedule(IScheduleRegistry Registry);
