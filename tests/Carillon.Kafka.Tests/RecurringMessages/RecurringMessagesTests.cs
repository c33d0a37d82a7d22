using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using static Carillon.Kafka.Tests.RecurringMessages.RecurringMessagesKit;

namespace Carillon.Kafka.Tests.RecurringMessages;

/// <summary>
/// Run-time schedules against the embedded broker (issue 11). Ordering checks use a marker: a trigger of another
/// schedule on the same partition, written after the change under test. The owner applies a partition's records in
/// order, so once the marker's record is out, the change had been applied.
/// </summary>
public sealed partial class RecurringMessagesTests
{
    private const string EverySecond = "* * * * * *";
    private const string Never = "0 0 1 1 *"; // once a year: fires only when triggered in a test

    [Fact]
    public async Task An_added_schedule_fires_each_occurrence_once_with_its_record_and_trace_headers()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync(o => o.InstanceId = "instance-a");
        var api = host.Services.GetRequiredService<IRecurringMessages>();

        await api.AddOrUpdateAsync("tenant-1.report", EverySecond, Target, Encoding.UTF8.GetBytes("tenant-1"), Encoding.UTF8.GetBytes("run"), [new("h", Encoding.UTF8.GetBytes("x"))]);

        var got = kit.ReadUntil(r => r.Count >= 3);
        var occurrences = got.Select(r => long.Parse(Header(r, "carillon-recurring-occurrence")!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(occurrences.Distinct().Count(), occurrences.Count);
        Assert.All(occurrences, o => Assert.Equal(0, o % 1000));
        var first = got[0];
        Assert.Equal("tenant-1", Encoding.UTF8.GetString(first.Message.Key!));
        Assert.Equal("run", Encoding.UTF8.GetString(first.Message.Value!));
        Assert.Equal("x", Header(first, "h"));
        Assert.Equal("tenant-1.report", Header(first, "carillon-recurring-name"));
        Assert.Equal("instance-a", Header(first, "carillon-recurring-instance"));
        await host.StopAsync();
    }

    [Fact]
    public async Task Get_and_list_read_definitions_and_the_last_claimed_occurrence()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var options = new RecurringMessageOptions { TimeZone = "Europe/Paris", Description = "nightly", MisfirePolicy = MisfirePolicy.Skip };
        await api.AddOrUpdateAsync("b-nightly", "0 2 * * *", Target, "k", new Report("b"), Json.Default.Report, options);
        await api.AddOrUpdateAsync("a-fast", EverySecond, Target, null, Encoding.UTF8.GetBytes("a"));
        kit.ReadUntil(r => r.Count >= 1);

        var list = await api.ListAsync();
        Assert.Equal(["a-fast", "b-nightly"], list.Select(s => s.Name).ToArray());
        var nightly = await api.GetAsync("b-nightly");
        Assert.NotNull(nightly);
        Assert.Equal(("0 2 * * *", "Europe/Paris", "nightly", MisfirePolicy.Skip, true), (nightly.Cron, nightly.TimeZone, nightly.Description, nightly.MisfirePolicy, nightly.Enabled));
        Assert.Equal("{\"tenant\":\"b\"}", Encoding.UTF8.GetString(nightly.Value!));
        Assert.NotNull(nightly.NextOccurrence);
        Assert.NotNull((await api.GetAsync("a-fast"))!.LastOccurrence);
        Assert.Null(await api.GetAsync("unknown"));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_removed_schedule_never_fires_after_the_owner_read_its_removal()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var gone = NameOn(0, "gone");
        var marker = NameOn(0, "marker");
        await api.AddOrUpdateAsync(marker, Never, Target, null, Encoding.UTF8.GetBytes("marker"));
        await api.AddOrUpdateAsync(gone, EverySecond, Target, null, Encoding.UTF8.GetBytes("gone"));
        kit.ReadUntil(r => Of(r, gone).Any());

        await api.RemoveAsync(gone);
        await api.TriggerAsync(gone); // a command for a removed schedule is ignored
        await api.TriggerAsync(marker);

        var upToMarker = kit.ReadUntil(r => Of(r, marker).Any());
        var later = kit.ReadFor(TimeSpan.FromSeconds(3));
        Assert.Equal(Of(upToMarker, gone).Count(), Of(later, gone).Count());
        Assert.DoesNotContain(later, r => Header(r, "carillon-recurring-trigger") == "manual" && Header(r, "carillon-recurring-name") == gone);
        Assert.Null(await api.GetAsync(gone));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_disabled_schedule_fires_nothing_until_enabled()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var paused = NameOn(1, "paused");
        var marker = NameOn(1, "marker");
        await api.AddOrUpdateAsync(marker, Never, Target, null, Encoding.UTF8.GetBytes("marker"));
        await api.AddOrUpdateAsync(paused, EverySecond, Target, null, Encoding.UTF8.GetBytes("p"), headers: null, options: new RecurringMessageOptions { Enabled = false });
        await api.TriggerAsync(marker);
        kit.ReadUntil(r => Of(r, marker).Any());
        Assert.Empty(Of(kit.ReadFor(TimeSpan.FromSeconds(2)), paused));
        Assert.False((await api.GetAsync(paused))!.Enabled);

        await api.EnableAsync(paused);
        Assert.NotEmpty(Of(kit.ReadUntil(r => Of(r, paused).Any()), paused));

        await api.DisableAsync(paused);
        await api.TriggerAsync(marker);
        var upToMarker = kit.ReadUntil(r => Of(r, marker).Count() >= 2);
        Assert.Equal(Of(upToMarker, paused).Count(), Of(kit.ReadFor(TimeSpan.FromSeconds(2)), paused).Count());
        await host.StopAsync();
    }

    [Fact]
    public async Task A_trigger_fires_once_even_for_a_disabled_schedule()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        await api.AddOrUpdateAsync("manual", Never, Target, null, Encoding.UTF8.GetBytes("m"), headers: null, options: new RecurringMessageOptions { Enabled = false });

        await api.TriggerAsync("manual");

        var got = kit.ReadUntil(r => r.Count >= 1);
        Assert.Equal("manual", Header(Assert.Single(got), "carillon-recurring-trigger"));
        Assert.Single(kit.ReadFor(TimeSpan.FromSeconds(2)));
        await host.StopAsync();
    }

    [Fact]
    public async Task An_update_takes_effect_without_a_restart()
    {
        using var kit = new RecurringMessagesKit();
        using var host = await kit.StartHostAsync();
        var api = host.Services.GetRequiredService<IRecurringMessages>();
        var changed = NameOn(2, "changed");
        var marker = NameOn(2, "marker");
        await api.AddOrUpdateAsync(marker, Never, Target, null, Encoding.UTF8.GetBytes("marker"));
        await api.AddOrUpdateAsync(changed, EverySecond, Target, null, Encoding.UTF8.GetBytes("v1"));
        kit.ReadUntil(r => Of(r, changed).Any());

        await api.AddOrUpdateAsync(changed, EverySecond, Target, null, Encoding.UTF8.GetBytes("v2"));
        await api.TriggerAsync(marker);

        var upToMarker = kit.ReadUntil(r => Of(r, marker).Any());
        var before = Of(upToMarker, changed).Count();
        var after = Of(kit.ReadUntil(r => Of(r, changed).Count() >= before + 2), changed).Skip(before).ToList();
        Assert.All(after, r => Assert.Equal("v2", Encoding.UTF8.GetString(r.Message.Value!)));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_restart_loses_and_repeats_no_occurrence()
    {
        using var kit = new RecurringMessagesKit();
        // Everything the restart delays counts as late, not missed: every occurrence must come out exactly once.
        void Configure(CarillonOptions o) => o.RecurringMessages.MisfireThreshold = TimeSpan.FromMinutes(5);
        var first = await kit.StartHostAsync(Configure);
        await first.Services.GetRequiredService<IRecurringMessages>().AddOrUpdateAsync("steady", EverySecond, Target, null, Encoding.UTF8.GetBytes("s"));
        kit.ReadUntil(r => r.Count >= 3);
        await first.StopAsync();
        first.Dispose();
        var stoppedAt = kit.ReadFor(TimeSpan.FromSeconds(1)).Count;

        using var second = await kit.StartHostAsync(Configure);
        var got = kit.ReadUntil(r => r.Count >= stoppedAt + 3);

        var occurrences = got.Select(r => long.Parse(Header(r, "carillon-recurring-occurrence")!, CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(occurrences.Distinct().Count(), occurrences.Count);
        Assert.All(occurrences.Zip(occurrences.Skip(1)), pair => Assert.Equal(1000, pair.Second - pair.First));
        await second.StopAsync();
    }

    internal sealed record Report(string Tenant);

    [System.Text.Json.Serialization.JsonSerializable(typeof(Report))]
    [System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
    internal sealed partial class Json : System.Text.Json.Serialization.JsonSerializerContext;
}
