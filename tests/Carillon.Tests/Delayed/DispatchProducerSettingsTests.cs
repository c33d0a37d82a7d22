using Carillon.Delayed.Dispatching;
using Confluent.Kafka;

namespace Carillon.Tests.Delayed;

/// <summary>
/// The dispatch producers' own settings (issue 14: records sent before the commit's flush made librdkafka's broker
/// threads spin through every commit, docs/benchmarks-delayed.md).
/// </summary>
public sealed class DispatchProducerSettingsTests
{
    [Fact]
    public void A_dispatch_producer_holds_its_records_for_the_commit_rather_than_a_slow_write_step()
    {
        var config = new ProducerConfig();
        DelayedDispatcher.ConfigureDispatchProducer(config);

        // 64 workers writing 1,000 records each at one due instant took longer than the former 100 ms on a busy machine.
        Assert.True(config.LingerMs >= 1_000, $"linger.ms {config.LingerMs}");
    }

    [Fact]
    public void A_dispatch_producer_keeps_librdkafkas_default_sticky_window_instead_of_twice_its_linger()
    {
        var config = new ProducerConfig();
        DelayedDispatcher.ConfigureDispatchProducer(config);

        Assert.Equal(10, config.StickyPartitioningLingerMs);
    }
}
