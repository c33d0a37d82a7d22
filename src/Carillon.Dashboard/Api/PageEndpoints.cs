using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Carillon.Dashboard.Api;

/// <summary>The page, its script and its style, served from resources embedded in this assembly (no CDN, no build step).</summary>
internal static class PageEndpoints
{
    private static readonly ConcurrentDictionary<string, byte[]> s_assets = new();

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/", (HttpContext context) =>
        {
            // The page loads "app.js" and "api/..." relative to itself, so it must be addressed with its trailing slash.
            var request = context.Request;
            if (request.Path.Value is { } path && !path.EndsWith('/'))
            {
                return Results.Redirect($"{request.PathBase}{path}/{request.QueryString}");
            }

            return Asset("index.html", "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        group.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8")).ExcludeFromDescription();
        group.MapGet("/app.css", () => Asset("app.css", "text/css; charset=utf-8")).ExcludeFromDescription();
    }

    private static IResult Asset(string name, string contentType) => Results.Bytes(s_assets.GetOrAdd(name, Load), contentType);

    private static byte[] Load(string name)
    {
        using var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream($"Carillon.Dashboard.{name}")
            ?? throw new InvalidOperationException($"The dashboard asset '{name}' is missing from {typeof(PageEndpoints).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
