using Xunit.Abstractions;
using static Carillon.Kafka.Tests.Delayed.DelayedTestKit;

namespace Carillon.Kafka.Tests.Delayed;

/// <summary>
/// Issue 8: the whole cluster goes down during dispatch and comes back; dispatch must resume by itself, every message
/// delivered exactly once, the backlog due during the outage dispatched when the cluster returns.
/// </summary>
public sealed class DelayedOutageTests(ITestOutputHelper output)
{
    private const string Target = "outage";
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(2)]
    [InlineData(20)]
    public async Task Dispatch_resumes_after_the_whole_cluster_was_down_and_delivers_each_message_once(int downSeconds)
    {
        const int count = 600;
        using var kit = new DelayedTestKit(Target);
        using var host = await kit.StartHostAsync();

        // Due over 10 s from 2 s on: some before the outage, most during or after it.
        kit.Schedule(Target, "o", count, DateTimeOffset.UtcNow.AddSeconds(2), TimeSpan.FromSeconds(10));
        kit.ReadUntil(Target, r => r.Count >= 50, s_deadline);

        kit.ClusterDown();
        await Task.Delay(TimeSpan.FromSeconds(downSeconds));
        kit.ClusterUp();
        var back = System.Diagnostics.Stopwatch.StartNew();

        var perKey = kit.DeliveriesByKey(Target, count, s_deadline);

        // A figure for docs/liveness.md, not an assertion: includes the reader's 2 s quiet period.
        output.WriteLine($"down {downSeconds} s: {perKey.Count}/{count} delivered, {perKey.Count(kv => kv.Value > 1)} duplicated, all read {back.Elapsed.TotalSeconds:0.0} s after the cluster returned");
        Assert.Equal(count, perKey.Count);
        Assert.DoesNotContain(perKey, kv => kv.Value != 1);
        await host.StopAsync();
    }
}
