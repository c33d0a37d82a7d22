namespace Carillon.Dashboard;

/// <summary>
/// Options of the dashboard (configuration section <c>Carillon:Dashboard</c>). Secure by default: commands are off; when
/// they are on, they require <see cref="CommandsPolicy"/> unless <see cref="AllowAnonymousCommands"/> says otherwise.
/// See docs/dashboard.md.
/// </summary>
public sealed class CarillonDashboardOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Carillon:Dashboard";

    /// <summary>
    /// Maps the POST endpoints (enable, disable, trigger, cancel) and shows their buttons. Off by default: the
    /// endpoints then answer 404.
    /// </summary>
    public bool EnableCommands { get; set; }

    /// <summary>
    /// The authorization policy every command endpoint requires (on top of any policy the caller puts on the group
    /// returned by <c>MapCarillonDashboard</c>). Required when <see cref="EnableCommands"/> is true, unless
    /// <see cref="AllowAnonymousCommands"/> is.
    /// </summary>
    public string? CommandsPolicy { get; set; }

    /// <summary>
    /// The explicit opt-out: commands are accepted from anyone who can reach the endpoints (for a dashboard bound to
    /// loopback, or protected by a policy on the whole group). Cross-site requests are refused all the same.
    /// </summary>
    public bool AllowAnonymousCommands { get; set; }

    /// <summary>How often the page fetches the read model again. Default 2 seconds; between 0.5 and 60 seconds.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many recent runs a task's page and the runs endpoint show at most. Default 50; between 1 and 1000.</summary>
    public int MaxRuns { get; set; } = 50;
}
