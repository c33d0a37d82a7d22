using Xunit.Abstractions;
using static Carillon.Kafka.Tests.Delayed.DelayedTestKit;

namespace Carillon.Kafka.Tests.Delayed;

/// <summary>
/// Issue 8: the whole cluster goes down during dispatch and comes back; dispatch must resume by itself and the backlog
/// due during the outage is dispatched when the cluster returns.
/// </summary>
/// <remarks>
/// Exactly-once is asserted for every message whose transactions are not cut by the outage: those due before it and
/// those due after the return. Messages due while the cluster is down are asserted delivered (none lost), and their
/// duplicates only reported: a transaction cut by the outage is aborted, or its producer abandoned and replaced, and the
/// test broker (librdkafka's mock) shows aborted records to read_committed readers and does not fence a replaced
/// producer by transactional.id, both of which Kafka does (see docs/liveness.md and the notes on the mock).
/// </remarks>
public sealed class DelayedOutageTests(ITestOutputHelper output)
{
    private const string Target = "outage";
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(2)]
    [InlineData(20)]
    public async Task Dispatch_resumes_after_the_whole_cluster_was_down_and_no_message_is_lost_or_sent_twice_outside_the_outage(int downSeconds)
    {
        using var kit = new DelayedTestKit(Target);
        using var host = await kit.StartHostAsync();

        // Before: due at once, all dispatched (and their transactions committed) before the outage starts.
        kit.Schedule(Target, "before", 100, DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(100, kit.DeliveriesByKey(Target, 100, s_deadline, k => k.StartsWith("before-", StringComparison.Ordinal)).Count);

        // During: due while the cluster is down. After: due once it is back (the session timeout plus a few seconds).
        var down = DateTimeOffset.UtcNow.AddSeconds(1);
        var back = down.AddSeconds(downSeconds);
        kit.Schedule(Target, "during", 200, down.AddMilliseconds(500), TimeSpan.FromSeconds(downSeconds - 1));
        kit.Schedule(Target, "after", 200, back.AddSeconds(10), TimeSpan.FromSeconds(3));
        await DelayUntil(down);
        kit.ClusterDown();
        await DelayUntil(back);
        kit.ClusterUp();
        var returned = System.Diagnostics.Stopwatch.StartNew();

        var perKey = kit.DeliveriesByKey(Target, 500, s_deadline);

        var duringTwice = perKey.Count(kv => kv.Key.StartsWith("during-", StringComparison.Ordinal) && kv.Value > 1);
        output.WriteLine($"down {downSeconds} s: {perKey.Count}/500 delivered, {perKey.Count(kv => kv.Value > 1)} more than once ({duringTwice} of them due during the outage), all read {returned.Elapsed.TotalSeconds:0.0} s after the cluster returned");
        Assert.Equal(500, perKey.Count);
        Assert.DoesNotContain(perKey, kv => !kv.Key.StartsWith("during-", StringComparison.Ordinal) && kv.Value != 1);
        await host.StopAsync();
    }

    // A loaded machine may already be past the instant (scheduling 400 records took longer than planned): no wait then.
    private static Task DelayUntil(DateTimeOffset instant)
    {
        var wait = instant - DateTimeOffset.UtcNow;
        return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
    }
}
