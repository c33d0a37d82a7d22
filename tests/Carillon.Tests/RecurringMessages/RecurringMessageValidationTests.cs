namespace Carillon.Tests.RecurringMessages;

/// <summary>Bad input is rejected at the call with the build's rule and wording, before anything is written (issue 11).</summary>
public sealed class RecurringMessageValidationTests
{
    // Nothing listens there: a call that got as far as writing would fail differently (or hang until cancelled).
    private static readonly CarillonOptions s_unreachable = new() { BootstrapServers = "127.0.0.1:1", ProvisionTopics = false };

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("slash/name")]
    public async Task A_name_outside_the_task_ID_rule_is_rejected_with_the_CRL003_wording(string name)
    {
        using var api = Create();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => api.Value.AddOrUpdateAsync(name, "* * * * *", "t", null, [1]));
        Assert.StartsWith($"Task ID '{name}' is invalid: it must match ^[A-Za-z0-9_.-]{{1,200}}$", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_cron_is_rejected_with_the_CRL001_wording()
    {
        using var api = Create();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => api.Value.AddOrUpdateAsync("n", "61 * * * *", "t", null, [1]));
        Assert.StartsWith("Cron expression '61 * * * *' is invalid: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cron_that_never_fires_is_rejected_with_the_CRL001_wording()
    {
        using var api = Create();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => api.Value.AddOrUpdateAsync("n", "0 0 30 2 *", "t", null, [1]));
        Assert.StartsWith("Cron expression '0 0 30 2 *' never fires: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_time_zone_is_rejected_with_the_CRL007_wording()
    {
        using var api = Create();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => api.Value.AddOrUpdateAsync("n", "* * * * *", "t", null, [1], null, new RecurringMessageOptions { TimeZone = "Mars/Olympus_Mons" }));
        Assert.StartsWith("Time zone 'Mars/Olympus_Mons' is not a known IANA or Windows time-zone ID", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_carillon_header_is_rejected()
    {
        using var api = Create();
        await Assert.ThrowsAsync<ArgumentException>(() => api.Value.AddOrUpdateAsync("n", "* * * * *", "t", null, [1], [new("carillon-recurring-name", [1])]));
    }

    [Fact]
    public async Task A_command_for_an_invalid_name_is_rejected()
    {
        using var api = Create();
        await Assert.ThrowsAsync<ArgumentException>(() => api.Value.TriggerAsync("bad name"));
    }

    private static Api Create() => new(CarillonStandalone.CreateRecurringMessages(s_unreachable));

    private readonly record struct Api(IRecurringMessages Value) : IDisposable
    {
        public void Dispose() => (Value as IDisposable)?.Dispose();
    }
}
