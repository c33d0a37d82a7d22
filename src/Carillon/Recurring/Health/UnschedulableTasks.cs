using Carillon.Recurring.Scheduling;

namespace Carillon.Recurring.Health;

/// <summary>
/// The tasks this instance can never run: their cron expression or time zone does not parse here (a time zone missing
/// from the host, for instance), or the expression has no future occurrence (<c>0 0 30 2 *</c>). Worked out once, from
/// the registry with the runtime's own parser, so the health check names them on every instance, owner or not (issue 9).
/// </summary>
internal sealed class UnschedulableTasks(IScheduleRegistry registry, TimeProvider time)
{
    private readonly Lazy<IReadOnlyList<(string TaskId, string Problem)>> _tasks = new(() => Find(registry, time.GetUtcNow()));

    /// <summary>Each unschedulable task with what is wrong with it, in declaration order.</summary>
    public IReadOnlyList<(string TaskId, string Problem)> Tasks => _tasks.Value;

    private static List<(string TaskId, string Problem)> Find(IScheduleRegistry registry, DateTimeOffset now)
    {
        var found = new List<(string, string)>();
        foreach (var task in registry.Tasks)
        {
            try
            {
                if (CronSchedule.Parse(task.Cron, task.TimeZone).Next(now) is null)
                {
                    found.Add((task.Id, $"'{task.Cron}' never fires"));
                }
            }
            catch (Exception e) when (CronSchedule.IsParseError(e))
            {
                found.Add((task.Id, $"'{task.Cron}' in time zone '{task.TimeZone}' does not parse: {e.Message}"));
            }
        }

        return found;
    }
}
