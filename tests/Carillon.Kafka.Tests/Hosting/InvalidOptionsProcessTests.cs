using Carillon.Kafka.Tests.Support;

namespace Carillon.Kafka.Tests.Hosting;

/// <summary>
/// Issue 9 §2, as a user met it: <c>Carillon__SessionTimeout=-00:00:05</c> stopped the host with librdkafka's wording
/// and exit code 0. A host that stops for a bad Carillon setting exits non-zero and names the key.
/// </summary>
public sealed class InvalidOptionsProcessTests
{
    [Fact]
    public async Task A_negative_session_timeout_makes_the_process_exit_non_zero_naming_the_key()
    {
        var environment = new Dictionary<string, string> { ["Carillon__SessionTimeout"] = "-00:00:05" };
        using var app = ChildProcess.StartDotnet("Carillon.Delayed.TestApp.dll", [], environment);

        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the host did not stop. Output:\n" + string.Join('\n', app.Lines));
        var output = string.Join('\n', app.Lines);
        Assert.NotEqual(0, app.ExitCode);
        Assert.Contains("Carillon:SessionTimeout = '-00:00:05' is invalid", output, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Lines, l => l.StartsWith("started", StringComparison.Ordinal));
        Assert.DoesNotContain("session.timeout.ms", output.Replace("librdkafka's session.timeout.ms range", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_group_protocol_makes_the_process_exit_1_with_one_line_naming_the_key()
    {
        var environment = new Dictionary<string, string> { ["Carillon__GroupProtocol"] = "Fastest" };
        using var app = ChildProcess.StartDotnet("Carillon.Delayed.TestApp.dll", [], environment);

        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the host did not stop. Output:\n" + string.Join('\n', app.Lines));
        var output = string.Join('\n', app.Lines);
        Assert.Equal(1, app.ExitCode);
        Assert.Contains("[err] Carillon:GroupProtocol = 'Fastest' is invalid: must be one of Classic, Consumer, Auto.", app.Lines);
        Assert.DoesNotContain(app.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains(" at Microsoft.", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Lines, l => l.StartsWith("started", StringComparison.Ordinal));
    }
}
