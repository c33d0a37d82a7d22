using System.Diagnostics.Metrics;
using Carillon.RecurringMessages.Health;
using Carillon.Telemetry;

namespace Carillon.RecurringMessages;

/// <summary>
/// Run-time recurring-message instruments on the shared <c>Carillon</c> meter (issue 11; docs/diagnostics.md). Tags
/// are the target topic and the trigger, never the schedule's name: there may be 100,000 schedules.
/// </summary>
internal static class RecurringMessagesMetrics
{
    public static readonly Counter<long> Fired = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring_messages.fired", "{occurrence}", "Occurrences produced to their target topic (committed transactions), by topic and trigger.");

    public static readonly Counter<long> DeadLettered = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring_messages.dead_lettered", "{occurrence}", "Occurrences written to the dead-letter topic instead of their target, by topic and reason.");

    public static readonly Counter<long> FailedTransactions = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring_messages.failed_transactions", "{transaction}", "Firing transactions that did not commit (retried, or the owner rebuilt).");

    public static readonly Histogram<double> Lateness = CarillonTelemetry.Meter.CreateHistogram<double>(
        "carillon.recurring_messages.lateness", "ms", "Delay between an on-time occurrence and the commit of the transaction that produced it.");

    private static readonly List<RecurringMessagesStatus> s_sources = [];

    static RecurringMessagesMetrics()
    {
        CarillonTelemetry.Meter.CreateObservableGauge(
            "carillon.recurring_messages.held",
            () => Sum(s => s.HeldSchedules),
            "{schedule}",
            "Schedules held by the partition owners of this process.");
        CarillonTelemetry.Meter.CreateObservableGauge(
            "carillon.recurring_messages.owned_partitions",
            () => Sum(s => s.OwnedPartitions),
            "{partition}",
            "Partitions of the recurring-messages topic owned by this process.");
    }

    /// <summary>Adds an owner's counts to the gauges until the returned handle is disposed.</summary>
    public static IDisposable Register(RecurringMessagesStatus status)
    {
        lock (s_sources)
        {
            s_sources.Add(status);
        }

        return new Registration(status);
    }

    private static int Sum(Func<RecurringMessagesStatus, int> of)
    {
        lock (s_sources)
        {
            return s_sources.Sum(of);
        }
    }

    private sealed class Registration(RecurringMessagesStatus status) : IDisposable
    {
        public void Dispose()
        {
            lock (s_sources)
            {
                s_sources.Remove(status);
            }
        }
    }
}
