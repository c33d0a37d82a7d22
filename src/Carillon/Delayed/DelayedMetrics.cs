using System.Diagnostics.Metrics;
using Carillon.Telemetry;

namespace Carillon.Delayed;

/// <summary>Delayed-message instruments on the shared <c>Carillon</c> meter.</summary>
internal static class DelayedMetrics
{
    public static readonly Counter<long> Scheduled = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.delayed.scheduled", "{message}", "Schedules written by this instance's publisher.");

    public static readonly Counter<long> Dispatched = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.delayed.dispatched", "{message}", "Messages delivered to their target topic (committed transactions).");

    public static readonly Counter<long> Cancelled = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.delayed.cancelled", "{message}", "Held schedules removed by a cancel tombstone read live.");

    public static readonly Counter<long> Replaced = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.delayed.replaced", "{message}", "Held schedules replaced by a newer record of the same key read live.");

    public static readonly Counter<long> Invalid = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.delayed.invalid", "{message}", "Records with missing or malformed control headers.");

    public static readonly Counter<long> DeadLettered = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.delayed.dead_lettered", "{message}", "Records written to the dead-letter topic (invalid, too late, refused by the producer, or for a topic the cluster does not have).");

    public static readonly Counter<long> Skipped = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.delayed.skipped", "{message}", "Records passed over without a dispatch or a dead letter (could not be applied, or a dead letter the producer refused even stripped).");

    public static readonly Histogram<double> Lateness = CarillonTelemetry.Meter.CreateHistogram<double>(
        "carillon.delayed.lateness", "ms", "Delay between a message's due time and its dispatch transaction's commit.");

    private static readonly List<Func<int>> s_pendingSources = [];

    static DelayedMetrics()
    {
        CarillonTelemetry.Meter.CreateObservableGauge(
            "carillon.delayed.pending",
            () =>
            {
                lock (s_pendingSources)
                {
                    return s_pendingSources.Sum(source => source());
                }
            },
            "{message}",
            "Schedules pending in the partitions this process owns (held and beyond the load horizon).");
    }

    /// <summary>Adds a dispatcher's pending count to the gauge until the returned handle is disposed.</summary>
    public static IDisposable RegisterPending(Func<int> source)
    {
        lock (s_pendingSources)
        {
            s_pendingSources.Add(source);
        }

        return new Registration(source);
    }

    private sealed class Registration(Func<int> source) : IDisposable
    {
        public void Dispose()
        {
            lock (s_pendingSources)
            {
                s_pendingSources.Remove(source);
            }
        }
    }
}
