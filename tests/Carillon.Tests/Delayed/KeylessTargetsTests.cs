using Carillon.Delayed.Dispatching;
using Confluent.Kafka;

namespace Carillon.Tests.Delayed;

/// <summary>The partitions keyless dispatches go to (issue 14): chunks of about <see cref="KeylessTargets.ChunkBytes"/> per partition.</summary>
public sealed class KeylessTargetsTests
{
    private static readonly int[] FourPartitions = [0, 1, 2, 3];

    [Fact]
    public void Keyless_messages_go_only_to_the_partitions_that_have_a_leader()
    {
        int[] led = [1, 3];
        var keyless = new KeylessTargets(_ => led);

        var partitions = Enumerable.Range(0, 64).Select(_ => keyless.For("t", KeylessTargets.ChunkBytes / 4).Partition.Value).ToHashSet();

        Assert.Equal(led, partitions.Order());
    }

    [Fact]
    public void Keyless_messages_fill_one_partition_up_to_a_chunk_then_take_the_next()
    {
        var keyless = new KeylessTargets(_ => FourPartitions);
        var bytes = KeylessTargets.ChunkBytes / 8;

        var partitions = Enumerable.Range(0, 32).Select(_ => keyless.For("t", bytes).Partition.Value).ToList();

        // 8 messages of an eighth of a chunk (plus their overhead) fill a chunk: runs of at most 8, each the next partition.
        var runs = Runs(partitions);
        Assert.All(runs, r => Assert.InRange(r.Length, 1, 8));
        Assert.All(runs.Zip(runs.Skip(1)), p => Assert.Equal((p.First.Partition + 1) % 4, p.Second.Partition));
        Assert.Equal(4, partitions.Distinct().Count());
    }

    [Fact]
    public void Each_topic_has_its_own_chunk()
    {
        var keyless = new KeylessTargets(_ => FourPartitions);
        var first = keyless.For("a", KeylessTargets.ChunkBytes - 1_000).Partition;

        keyless.For("b", KeylessTargets.ChunkBytes);

        Assert.Equal(first, keyless.For("a", 10).Partition);
    }

    [Fact]
    public void Without_a_partition_count_keyless_messages_are_left_to_the_partitioner()
    {
        var keyless = new KeylessTargets(_ => []);

        Assert.Equal(Partition.Any, keyless.For("t", 100).Partition);
    }

    private static List<(int Partition, int Length)> Runs(List<int> partitions)
    {
        var runs = new List<(int Partition, int Length)>();
        foreach (var p in partitions)
        {
            if (runs.Count > 0 && runs[^1].Partition == p)
            {
                runs[^1] = (p, runs[^1].Length + 1);
            }
            else
            {
                runs.Add((p, 1));
            }
        }

        return runs;
    }
}
