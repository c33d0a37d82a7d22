using System.Text;
using Carillon.Delayed.Publishing;

namespace Carillon.Tests.Delayed;

public sealed class Murmur2Tests
{
    // Expected values: Apache Kafka's UtilsTest.testMurmur2 (the Java client's own test vectors).
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Hash_matches_the_java_client(string key, int expected)
        => Assert.Equal(expected, Murmur2.Hash(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void Partition_is_the_positive_hash_modulo_the_partition_count()
    {
        // (-790332482 & 0x7fffffff) = 1357151166; 1357151166 % 50 = 16, as Java's toPositive(murmur2) % n.
        Assert.Equal(16, Murmur2.Partition("foobar"u8, 50));
        Assert.Equal(1357151166 % 6, Murmur2.Partition("foobar"u8, 6));
    }
}
