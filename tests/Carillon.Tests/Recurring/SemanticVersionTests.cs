using Carillon.Recurring.Scheduling;

namespace Carillon.Tests.Recurring;

public sealed class SemanticVersionTests
{
    [Theory]
    [InlineData("1.0.0", "1.0.0", 0)]
    [InlineData("1.0.0", "2.0.0", -1)]
    [InlineData("1.10.0", "1.9.0", 1)]
    [InlineData("1.0.0-alpha", "1.0.0", -1)]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1", -1)]
    [InlineData("1.0.0-alpha.2", "1.0.0-alpha.10", -1)]
    [InlineData("1.0.0-beta", "1.0.0-alpha.9", 1)]
    [InlineData("1.0.0+build.5", "1.0.0", 0)]
    [InlineData("garbage", "0.0.0", 0)]
    public void Compares_by_semver_precedence(string left, string right, int expected)
        => Assert.Equal(expected, Math.Sign(SemanticVersion.Compare(left, right)));
}
