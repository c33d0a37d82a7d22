using Carillon;
using Cronos;

namespace Carillon.Sample;

/// <summary>Prints the compile-time schedule with each task's next occurrence (computed the way the runtime does).</summary>
internal static class ScheduleListing
{
    public static void Print(IScheduleRegistry registry, TextWriter output, DateTimeOffset now)
    {
        output.WriteLine($"Schedule version {registry.Version}, {registry.Tasks.Count} task(s):");
        foreach (var task in registry.Tasks)
        {
            output.WriteLine($"  {task.Id,-32} {task.Cron,-16} {task.TimeZone,-14} next {NextOccurrence(task, now)}{(task.Exclusive ? string.Empty : "  (every instance)")}");
        }
    }

    private static string NextOccurrence(ScheduledTaskDescriptor task, DateTimeOffset now)
    {
        // The build's rule: any whitespace separates fields, six fields mean seconds first (docs/attributes.md).
        var cron = task.Cron.Trim();
        var fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var expression = CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(task.TimeZone);
        var next = expression.GetNextOccurrence(now, zone);
        return next?.ToString("yyyy-MM-dd HH:mm:ss zzz") ?? "never";
    }
}
