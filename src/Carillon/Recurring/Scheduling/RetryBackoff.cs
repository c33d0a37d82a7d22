namespace Carillon.Recurring.Scheduling;

/// <summary>
/// The delay before a retry (issue 13; the formula is documented in docs/recurring.md, "Retries"):
/// <c>min(cap, base × 2^(retry − 1)) × (1 + jitter × (2u − 1))</c>, capped again at <c>cap</c>, where <c>retry</c> is 1 for
/// the first retry, <c>u</c> is uniform in [0, 1) and <c>cap</c> is one hour, or <c>base</c> when that is longer. The
/// jitter spreads the retries of many tasks that failed together (a shared dependency down) instead of repeating the
/// stampede.
/// </summary>
internal static class RetryBackoff
{
    /// <summary>The longest delay between two attempts, unless the base delay itself is longer.</summary>
    public static readonly TimeSpan Cap = TimeSpan.FromHours(1);

    /// <summary>The jitter's half-width, as a fraction of the nominal delay (±20 %).</summary>
    public const double Jitter = 0.2;

    /// <summary>The delay before retry <paramref name="retry"/> (1: the first retry, i.e. attempt 2).</summary>
    /// <param name="baseDelay">The task's <c>RetryDelay</c>.</param>
    /// <param name="retry">1 or more.</param>
    /// <param name="unit">A number in [0, 1) that places the delay within its jitter band.</param>
    public static TimeSpan Delay(TimeSpan baseDelay, int retry, double unit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var cap = baseDelay > Cap ? baseDelay : Cap;
        var nominal = Math.Min(cap.TotalSeconds, baseDelay.TotalSeconds * Math.Pow(2, Math.Min(retry - 1, 62)));
        var jittered = nominal * (1 + (Jitter * ((2 * Math.Clamp(unit, 0, 1)) - 1)));
        return TimeSpan.FromSeconds(Math.Min(cap.TotalSeconds, jittered));
    }
}
