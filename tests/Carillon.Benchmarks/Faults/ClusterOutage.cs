using Carillon.Testing;

namespace Carillon.Benchmarks.Faults;

/// <summary>Takes every broker of the cluster down for a while (issue 8: "the whole cluster down"), and says when it came back.</summary>
internal static class ClusterOutage
{
    public static async Task<(DateTimeOffset Down, DateTimeOffset Up)> RunAsync(EmbeddedKafka kafka, TimeSpan duration)
    {
        var down = DateTimeOffset.UtcNow;
        for (var broker = 1; broker <= kafka.BrokerCount; broker++)
        {
            kafka.SetBrokerDown(broker);
        }

        await Task.Delay(duration);
        for (var broker = 1; broker <= kafka.BrokerCount; broker++)
        {
            kafka.SetBrokerUp(broker);
        }

        return (down, DateTimeOffset.UtcNow);
    }
}
