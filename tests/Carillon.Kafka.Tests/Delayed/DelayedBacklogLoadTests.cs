using Microsoft.Extensions.Hosting;

namespace Carillon.Kafka.Tests.Delayed;

/// <summary>
/// Every partition's backlog is loaded, however the consumer's first position and the load's seek interleave
/// (issue 14: a seek made while the assignment's offset lookup was in flight could be lost, and partitions then ended
/// their load at the end of the log with nothing held; docs/benchmarks-delayed.md, "Open"). The race showed most
/// with many partitions in a process where a host and broker had run before, as here.
/// </summary>
public sealed class DelayedBacklogLoadTests
{
    private const int Partitions = 64;
    private const int PerPartition = 100;

    [Fact]
    public async Task A_backlog_over_many_partitions_is_dispatched_in_full_by_a_host_started_after_another_in_the_same_process()
    {
        for (var round = 1; round <= 2; round++)
        {
            using var kit = new DelayedTestKit(1, Partitions, "orders");
            const int count = Partitions * PerPartition;
            kit.Schedule("orders", $"r{round}", count, DateTimeOffset.UtcNow.AddSeconds(-1), TimeSpan.Zero);

            using var host = await kit.StartHostAsync();
            var deliveries = kit.DeliveriesByKey("orders", count, TimeSpan.FromSeconds(180));
            await host.StopAsync();

            Assert.Equal(count, deliveries.Count);
            Assert.All(deliveries, d => Assert.Equal(1, d.Value));
        }
    }
}
