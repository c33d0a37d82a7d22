using System.Net;
using Carillon.Dashboard.Tests.Doubles;

namespace Carillon.Dashboard.Tests.Http;

/// <summary>The page comes from embedded resources, with a Content-Security-Policy that allows no inline script.</summary>
public sealed class PageAndHeaderTests
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    [InlineData("/api/schedule", "application/json")]
    public async Task Every_response_carries_the_strict_content_security_policy(string path, string mediaType)
    {
        await using var app = await DashboardApp.StartAsync();

        using var response = await app.CreateClient().GetAsync(DashboardApp.Prefix + path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Page_has_no_inline_script_and_loads_only_its_own_assets()
    {
        await using var app = await DashboardApp.StartAsync();

        var html = await app.CreateClient().GetStringAsync(DashboardApp.Prefix + "/");

        Assert.Contains("<script src=\"app.js\" defer></script>", html);
        Assert.Equal(1, html.Split("<script").Length - 1);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public async Task Prefix_without_trailing_slash_redirects_to_the_page()
    {
        await using var app = await DashboardApp.StartAsync();

        using var response = await app.CreateClient().GetAsync(DashboardApp.Prefix);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(DashboardApp.Prefix + "/", response.Headers.Location?.OriginalString);
    }
}
