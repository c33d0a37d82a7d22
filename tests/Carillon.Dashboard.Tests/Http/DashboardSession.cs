using System.Net.Http.Json;
using System.Text.Json;
using Carillon.Dashboard.Tests.Doubles;

namespace Carillon.Dashboard.Tests.Http;

/// <summary>
/// What the page does: read <c>api/info</c> (which sets the antiforgery cookie and returns the token), then send commands
/// with the cookie and the token header — optionally as a user (header authentication).
/// </summary>
public sealed class DashboardSession(HttpClient client, string? user = null, string? roles = null)
{
    public string? Cookie { get; private set; }

    public string? TokenHeader { get; private set; }

    public string? Token { get; private set; }

    public async Task<JsonElement> OpenAsync()
    {
        using var response = await client.SendAsync(Request(HttpMethod.Get, "api/info"));
        response.EnsureSuccessStatusCode();
        Cookie = response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? string.Join("; ", cookies.Select(c => c.Split(';')[0]))
            : null;
        var info = await response.Content.ReadFromJsonAsync<JsonElement>();
        TokenHeader = info.GetProperty("antiforgeryHeader").GetString();
        Token = info.GetProperty("antiforgeryToken").GetString();
        return info;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => client.SendAsync(Request(HttpMethod.Get, path));

    /// <summary>A POST as the page sends it: cookie and token header included (when the session has them).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object? body = null, bool withToken = true, bool withCookie = true)
    {
        var request = Request(HttpMethod.Post, path);
        request.Content = JsonContent.Create(body ?? new { });
        if (withCookie && Cookie is not null)
        {
            request.Headers.Add("Cookie", Cookie);
        }

        if (withToken && TokenHeader is not null && Token is not null)
        {
            request.Headers.Add(TokenHeader, Token);
        }

        return client.SendAsync(request);
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, DashboardApp.Prefix + "/" + path);
        if (user is not null)
        {
            request.Headers.Add(HeaderAuthenticationHandler.UserHeader, user);
        }

        if (roles is not null)
        {
            request.Headers.Add(HeaderAuthenticationHandler.RolesHeader, roles);
        }

        return request;
    }
}
