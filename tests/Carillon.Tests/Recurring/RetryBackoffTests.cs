using Carillon.Recurring.Scheduling;

namespace Carillon.Tests.Recurring;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(6, 320)]
    public void The_middle_of_the_jitter_band_doubles_the_base_delay_per_retry(int retry, int expectedSeconds)
        => Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryBackoff.Delay(TenSeconds, retry, 0.5));

    [Fact]
    public void Jitter_spreads_the_delay_by_twenty_percent_either_way()
    {
        Assert.Equal(TimeSpan.FromSeconds(16), RetryBackoff.Delay(TenSeconds, 2, 0));
        Assert.True(RetryBackoff.Delay(TenSeconds, 2, 0.999999) < TimeSpan.FromSeconds(24));
        Assert.True(RetryBackoff.Delay(TenSeconds, 2, 0.999999) > TimeSpan.FromSeconds(23.99));
    }

    [Fact]
    public void Delays_are_capped_at_one_hour_even_with_jitter_and_huge_retry_numbers()
    {
        Assert.Equal(TimeSpan.FromHours(1), RetryBackoff.Delay(TenSeconds, 20, 0.99));
        Assert.Equal(TimeSpan.FromHours(1), RetryBackoff.Delay(TenSeconds, int.MaxValue, 0.99));
        Assert.Equal(TimeSpan.FromHours(0.8), RetryBackoff.Delay(TenSeconds, 20, 0));
    }

    [Fact]
    public void A_base_delay_longer_than_the_cap_is_its_own_cap()
        => Assert.Equal(TimeSpan.FromHours(2), RetryBackoff.Delay(TimeSpan.FromHours(2), 3, 0.99));

    [Fact]
    public void A_zero_base_delay_retries_at_once()
        => Assert.Equal(TimeSpan.Zero, RetryBackoff.Delay(TimeSpan.Zero, 4, 0.7));
}
