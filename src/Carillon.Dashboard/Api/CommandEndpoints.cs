using Carillon.Dashboard.Hosting;

using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Carillon.Dashboard.Api;

/// <summary>
/// The command endpoints, mapped only when commands are enabled. They write the same command records as
/// <see cref="IScheduleCommands"/> and <see cref="IDelayedMessagePublisher.CancelAsync"/>, because they call them. Each
/// requires the configured authorization policy (unless the opt-out is set) and a valid antiforgery token in a header.
/// </summary>
internal static class CommandEndpoints
{
    private static readonly DashboardJsonContext s_json = DashboardJsonContext.Default;

    public static void Map(RouteGroupBuilder group, CarillonDashboardOptions options)
    {
        var commands = group.MapGroup("/api");
        if (!options.AllowAnonymousCommands)
        {
            commands.RequireAuthorization(options.CommandsPolicy!);
        }

        var policy = options.AllowAnonymousCommands ? null : options.CommandsPolicy;
        commands.MapPost("/tasks/{taskId}/enable", (HttpContext context, string taskId) =>
            TaskCommand(context, policy, "enable", taskId, (c, id, ct) => c.EnableAsync(id, ct)));
        commands.MapPost("/tasks/{taskId}/disable", (HttpContext context, string taskId) =>
            TaskCommand(context, policy, "disable", taskId, (c, id, ct) => c.DisableAsync(id, ct)));
        commands.MapPost("/tasks/{taskId}/trigger", (HttpContext context, string taskId) =>
            TaskCommand(context, policy, "trigger", taskId, (c, id, ct) => c.TriggerAsync(id, ct)));
        // Cast: a lambda taking only HttpContext would bind as a RequestDelegate and drop the result (ASP0016).
        commands.MapPost("/delayed/cancel", (Delegate)((HttpContext context) => CancelDelayed(context, policy)));
    }

    private static async Task<IResult> TaskCommand(HttpContext context, string? policy, string command, string taskId, Func<IScheduleCommands, string, CancellationToken, Task> write)
    {
        var refused = await Refuse(context, policy, command);
        if (refused is not null)
        {
            return refused;
        }

        var commands = context.RequestServices.GetService<IScheduleCommands>();
        if (commands is null)
        {
            return Error(StatusCodes.Status404NotFound, "This application has no recurring schedule (no IScheduleCommands registered).");
        }

        try
        {
            await write(commands, taskId, context.RequestAborted);
        }
        catch (ArgumentException e)
        {
            DashboardLog.CommandRejected(Logger(context), command, taskId, e.Message);
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }

        DashboardLog.CommandWritten(Logger(context), command, taskId, User(context));
        return TypedResults.Json(new CommandAccepted(command, taskId), s_json.CommandAccepted);
    }

    private static async Task<IResult> CancelDelayed(HttpContext context, string? policy)
    {
        const string command = "cancel";
        var refused = await Refuse(context, policy, command);
        if (refused is not null)
        {
            return refused;
        }

        CancelRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync(s_json.CancelRequest, context.RequestAborted);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return Error(StatusCodes.Status400BadRequest, "The body must be JSON: {\"scheduleKey\": \"...\"}.");
        }

        if (string.IsNullOrEmpty(request?.ScheduleKey))
        {
            return Error(StatusCodes.Status400BadRequest, "scheduleKey is required.");
        }

        var publisher = context.RequestServices.GetService<IDelayedMessagePublisher>();
        if (publisher is null)
        {
            return Error(StatusCodes.Status404NotFound, "This application has no delayed messages (no IDelayedMessagePublisher registered).");
        }

        await publisher.CancelAsync(request.ScheduleKey, context.RequestAborted);
        DashboardLog.CommandWritten(Logger(context), command, request.ScheduleKey, User(context));
        return TypedResults.Json(new CommandAccepted(command, request.ScheduleKey), s_json.CommandAccepted);
    }

    /// <summary>
    /// Null when the caller satisfies the policy and the request carries a valid antiforgery token; otherwise the
    /// answer. The policy is checked here as well as by the endpoint's metadata: an <c>AllowAnonymous()</c> put on the
    /// dashboard's group (to open the read endpoints) would otherwise switch it off for the commands too.
    /// </summary>
    private static async Task<IResult?> Refuse(HttpContext context, string? policy, string command)
    {
        if (policy is not null)
        {
            var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
            if (!(await authorization.AuthorizeAsync(context.User, context, policy)).Succeeded)
            {
                var signedIn = context.User.Identity?.IsAuthenticated == true;
                DashboardLog.CommandRejected(Logger(context), command, "-", $"policy '{policy}' not satisfied");
                return Error(signedIn ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized, $"This command requires the authorization policy '{policy}'.");
            }
        }


        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (await antiforgery.IsRequestValidAsync(context))
        {
            return null;
        }

        DashboardLog.AntiforgeryRefused(Logger(context), command);
        return Error(StatusCodes.Status400BadRequest, "Missing or invalid antiforgery token: send the token from GET api/info in its header (docs/dashboard.md).");
    }

    private static IResult Error(int status, string message) => TypedResults.Json(new DashboardError(message), s_json.DashboardError, statusCode: status);

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Carillon.Dashboard");

    private static string User(HttpContext context) => context.User.Identity?.Name ?? "(anonymous)";
}
