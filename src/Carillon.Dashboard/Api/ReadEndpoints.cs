using Carillon.Monitoring;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Carillon.Dashboard.Api;

/// <summary>The read-only JSON endpoints: everything the read model (<see cref="IScheduleMonitor"/>) shows.</summary>
internal static class ReadEndpoints
{
    private static readonly DashboardJsonContext s_json = DashboardJsonContext.Default;

    public static void Map(RouteGroupBuilder group)
    {
        var api = group.MapGroup("/api");

        api.MapGet("/info", (HttpContext context, IOptions<CarillonDashboardOptions> options, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions) =>
        {
            var o = options.Value;
            // The page sends this token back in a header with every command: a cross-site page can neither read it
            // nor set the header, so it cannot make the browser post a command (docs/dashboard.md).
            var token = o.EnableCommands ? antiforgery.GetAndStoreTokens(context).RequestToken : null;
            var header = o.EnableCommands ? antiforgeryOptions.Value.HeaderName : null;
            return TypedResults.Json(new DashboardInfo(o.EnableCommands, (int)o.RefreshInterval.TotalMilliseconds, o.MaxRuns, header, token), s_json.DashboardInfo);
        });

        api.MapGet("/schedule", (HttpContext context) => WithMonitor(context, m => TypedResults.Json(m.GetSchedule().ToDto(), s_json.ScheduleDto)));

        api.MapGet("/tasks/{taskId}", (HttpContext context, string taskId, IOptions<CarillonDashboardOptions> options) => WithMonitor(context, m =>
        {
            var schedule = m.GetSchedule();
            var task = m.GetTask(taskId);
            if (task is null)
            {
                return TypedResults.Json(new DashboardError($"No task '{taskId}' in the schedules topic."), s_json.DashboardError, statusCode: StatusCodes.Status404NotFound);
            }

            var runs = m.GetRecentRuns(taskId, options.Value.MaxRuns).Select(r => r.ToDto()).ToList();
            return TypedResults.Json(new TaskDetailDto(schedule.AsOf, task.ToDto(), runs), s_json.TaskDetailDto);
        }));

        api.MapGet("/runs", (HttpContext context, string? task, int? max, IOptions<CarillonDashboardOptions> options) => WithMonitor(context, m =>
        {
            var limit = Math.Clamp(max ?? options.Value.MaxRuns, 1, options.Value.MaxRuns);
            IReadOnlyList<RunDto> runs = m.GetRecentRuns(string.IsNullOrEmpty(task) ? "*" : task, limit).Select(r => r.ToDto()).ToList();
            return TypedResults.Json(runs, s_json.IReadOnlyListRunDto);
        }));

        api.MapGet("/recurring-messages", (HttpContext context) => WithMonitor(context, m => TypedResults.Json(m.GetSchedule().RecurringMessagesDto(), s_json.RecurringMessagesDto)));

        api.MapGet("/delayed", (HttpContext context) => WithMonitor(context, m => TypedResults.Json(m.GetDelayed().ToDto(), s_json.DelayedDto)));

        api.MapGet("/dead-letters", (HttpContext context, int? max) => WithMonitor(context, m =>
        {
            IReadOnlyList<DeadLetterDto> letters = m.GetDeadLetters(Math.Clamp(max ?? 100, 1, 1000)).Select(d => d.ToDto()).ToList();
            return TypedResults.Json(letters, s_json.IReadOnlyListDeadLetterDto);
        }));
    }

    private static IResult WithMonitor(HttpContext context, Func<IScheduleMonitor, IResult> read)
    {
        var monitor = context.RequestServices.GetService<IScheduleMonitor>();
        return monitor is null
            ? TypedResults.Json(
                new DashboardError("No IScheduleMonitor is registered: the dashboard shows the read model of Carillon's topics; register it (see docs/dashboard.md)."),
                s_json.DashboardError,
                statusCode: StatusCodes.Status503ServiceUnavailable)
            : read(monitor);
    }
}
