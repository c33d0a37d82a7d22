using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Carillon.Dashboard.Tests.Doubles;
using Microsoft.AspNetCore.Builder;

namespace Carillon.Dashboard.Tests.Http;

/// <summary>The command endpoints: off by default, behind the policy and antiforgery when on, writing the same commands as the API.</summary>
public sealed class CommandEndpointTests
{
    private static void OpsCommands(CarillonDashboardOptions o)
    {
        o.EnableCommands = true;
        o.CommandsPolicy = DashboardApp.OpsPolicy;
    }

    [Theory]
    [InlineData("api/tasks/report/enable")]
    [InlineData("api/tasks/report/disable")]
    [InlineData("api/tasks/report/trigger")]
    [InlineData("api/delayed/cancel")]
    public async Task Commands_answer_404_when_not_enabled(string path)
    {
        await using var app = await DashboardApp.StartAsync(knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient(), "alice", "ops");
        await session.OpenAsync();

        using var response = await session.PostAsync(path, new { scheduleKey = "k" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(app.Commands.Written);
        Assert.Empty(app.Publisher.Cancelled);
    }

    [Fact]
    public async Task Info_says_commands_are_off_and_hands_out_no_token_by_default()
    {
        await using var app = await DashboardApp.StartAsync();

        var info = await new DashboardSession(app.CreateClient()).OpenAsync();

        Assert.False(info.GetProperty("commandsEnabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("antiforgeryToken").ValueKind);
    }

    [Fact]
    public async Task Anonymous_command_is_refused_when_a_policy_is_required()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient());
        await session.OpenAsync();

        using var response = await session.PostAsync("api/tasks/report/disable");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(app.Commands.Written);
    }

    [Fact]
    public async Task Allow_anonymous_on_the_group_does_not_open_the_commands()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, onGroup: g => g.AllowAnonymous(), knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient());
        await session.OpenAsync();

        using var response = await session.PostAsync("api/tasks/report/disable");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(app.Commands.Written);
    }

    [Fact]
    public async Task Command_from_a_user_outside_the_policy_is_forbidden()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient(), "mallory", "viewer");
        await session.OpenAsync();

        using var response = await session.PostAsync("api/tasks/report/disable");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(app.Commands.Written);
    }

    [Theory]
    [InlineData("enable")]
    [InlineData("disable")]
    [InlineData("trigger")]
    public async Task Authorized_command_with_token_writes_that_command_for_the_task(string command)
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient(), "alice", "ops");
        await session.OpenAsync();

        using var response = await session.PostAsync($"api/tasks/report/{command}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([(command, "report")], app.Commands.Written);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(command, accepted.GetProperty("command").GetString());
        Assert.Equal("report", accepted.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Trigger_of_star_addresses_every_task()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient(), "alice", "ops");
        await session.OpenAsync();

        using var response = await session.PostAsync("api/tasks/*/trigger");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([("trigger", "*")], app.Commands.Written);
    }

    [Fact]
    public async Task Cross_site_post_without_the_antiforgery_token_is_refused()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, knownTaskIds: "report");
        // The victim is signed in and the browser attaches the cookies, but another site cannot read the token.
        var session = new DashboardSession(app.CreateClient(), "alice", "ops");
        await session.OpenAsync();

        using var response = await session.PostAsync("api/tasks/report/disable", withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(app.Commands.Written);
    }

    [Fact]
    public async Task Post_with_a_token_but_without_its_cookie_is_refused()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient(), "alice", "ops");
        await session.OpenAsync();

        using var response = await session.PostAsync("api/tasks/report/disable", withCookie: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Commands.Written);
    }

    [Fact]
    public async Task Token_issued_to_one_user_is_refused_for_another()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, knownTaskIds: "report");
        var alice = new DashboardSession(app.CreateClient(), "alice", "ops");
        await alice.OpenAsync();
        var bob = new DashboardSession(app.CreateClient(), "bob", "ops");
        await bob.OpenAsync();

        // Bob's request carrying Alice's cookie and token.
        var request = new HttpRequestMessage(HttpMethod.Post, DashboardApp.Prefix + "/api/tasks/report/disable") { Content = JsonContent.Create(new { }) };
        request.Headers.Add(HeaderAuthenticationHandler.UserHeader, "bob");
        request.Headers.Add(HeaderAuthenticationHandler.RolesHeader, "ops");
        request.Headers.Add("Cookie", alice.Cookie);
        request.Headers.Add(alice.TokenHeader!, alice.Token);
        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Commands.Written);
    }

    [Fact]
    public async Task Command_for_an_unknown_task_answers_400_with_the_reason()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands, knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient(), "alice", "ops");
        await session.OpenAsync();

        using var response = await session.PostAsync("api/tasks/nope/disable");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("nope", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Cancel_writes_the_cancellation_of_the_schedule_key()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands);
        var session = new DashboardSession(app.CreateClient(), "alice", "ops");
        await session.OpenAsync();

        using var response = await session.PostAsync("api/delayed/cancel", new { scheduleKey = "cart/42 reminder" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["cart/42 reminder"], app.Publisher.Cancelled);
    }

    [Fact]
    public async Task Cancel_without_a_schedule_key_answers_400_and_cancels_nothing()
    {
        await using var app = await DashboardApp.StartAsync(OpsCommands);
        var session = new DashboardSession(app.CreateClient(), "alice", "ops");
        await session.OpenAsync();

        using var response = await session.PostAsync("api/delayed/cancel", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Publisher.Cancelled);
    }

    [Fact]
    public async Task Explicit_anonymous_opt_out_accepts_anonymous_commands_with_the_token()
    {
        await using var app = await DashboardApp.StartAsync(o => { o.EnableCommands = true; o.AllowAnonymousCommands = true; }, knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient());
        await session.OpenAsync();

        using var response = await session.PostAsync("api/tasks/report/disable");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([("disable", "report")], app.Commands.Written);
    }

    [Fact]
    public async Task Explicit_anonymous_opt_out_still_refuses_posts_without_the_token()
    {
        await using var app = await DashboardApp.StartAsync(o => { o.EnableCommands = true; o.AllowAnonymousCommands = true; }, knownTaskIds: "report");
        var session = new DashboardSession(app.CreateClient());
        await session.OpenAsync();

        using var response = await session.PostAsync("api/tasks/report/disable", withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Commands.Written);
    }
}
