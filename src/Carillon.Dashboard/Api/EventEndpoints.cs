using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Carillon.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Carillon.Dashboard.Api;

/// <summary>
/// <c>GET api/events</c>: live updates as server-sent events (issue 10, "a run appears without reloading"). The stream
/// says <em>that</em> the read model changed (<see cref="IScheduleMonitor.WaitForChangeAsync"/>), not what: the page
/// then reads the JSON endpoints it shows, so there is one contract for data. Changes are coalesced (a per-second task
/// writes records all the time), and a tick every <see cref="Tick"/> lets the page refresh what moves with the clock
/// (next occurrence, overdue) and tells proxies the connection is alive. docs/dashboard.md, "Live updates".
/// </summary>
internal static class EventEndpoints
{
    public const string ChangeEvent = "change";
    public const string TickEvent = "tick";

    /// <summary>
    /// At most one change event per this interval: each makes the page read its endpoints again, and a busy cluster
    /// changes the view all the time; a change after a quiet spell is still announced at once.
    /// </summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(15);

    public static void Map(RouteGroupBuilder group)
    {
        // Cast: a lambda taking only HttpContext would bind as a RequestDelegate and drop the result (ASP0016).
        group.MapGet("/api/events", (Delegate)(IResult (HttpContext context) =>
        {
            var monitor = context.RequestServices.GetService<IScheduleMonitor>();
            if (monitor is null)
            {
                return TypedResults.Json(
                    new DashboardError("No IScheduleMonitor is registered: the dashboard shows the read model of Carillon's topics; register it (see docs/dashboard.md)."),
                    DashboardJsonContext.Default.DashboardError,
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            // Buffering proxies (nginx) would hold the events back.
            context.Response.Headers["X-Accel-Buffering"] = "no";
            // The stream ends when the app stops too: an open page must not hold the server's shutdown.
            var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
            return TypedResults.ServerSentEvents(Changes(monitor, context.RequestAborted, stopping));
        }));
    }

    private static async IAsyncEnumerable<SseItem<string>> Changes(IScheduleMonitor monitor, [EnumeratorCancellation] CancellationToken aborted, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
        var cancellationToken = linked.Token;
        // The first event says the stream is open, with the version the page's first read reflects at least.
        var known = monitor.ChangeVersion;
        yield return Item(ChangeEvent, known);
        Task<long>? change = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            change ??= monitor.WaitForChangeAsync(known, cancellationToken);
            var first = await Task.WhenAny(change, Task.Delay(Tick, cancellationToken)).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested || first.IsFaulted)
            {
                yield break;
            }

            if (first != change)
            {
                yield return Item(TickEvent, known);
                continue;
            }

            known = await change.ConfigureAwait(false);
            change = null;
            yield return Item(ChangeEvent, known);

            // Whatever arrives meanwhile goes into the next event.
            await Task.WhenAny(Task.Delay(Coalesce, cancellationToken)).ConfigureAwait(false);
        }
    }

    private static SseItem<string> Item(string type, long version)
        => new(JsonSerializer.Serialize(new ChangeNotice(version), DashboardJsonContext.Default.ChangeNotice), type);
}
