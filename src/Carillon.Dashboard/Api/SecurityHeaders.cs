using Microsoft.AspNetCore.Http;

namespace Carillon.Dashboard.Api;

/// <summary>
/// Headers on every dashboard response. The Content-Security-Policy allows only the dashboard's own script, style and
/// API: no inline script, no other origin, no framing, no form posts — so even text from Kafka that slipped into the
/// page as markup could not run (the page inserts it as text anyway; docs/dashboard.md, "Security model").
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return await next(context);
    }
}
