using System.Diagnostics;
using System.Diagnostics.Metrics;
using Carillon.Telemetry;

namespace Carillon.Recurring;

/// <summary>Recurring-task instruments on the shared <c>Carillon</c> meter.</summary>
internal static class RecurringMetrics
{
    public static readonly Counter<long> Runs = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring.runs", "{run}", "Occurrence outcomes, by task and outcome");

    public static readonly Histogram<double> Duration = CarillonTelemetry.Meter.CreateHistogram<double>(
        "carillon.recurring.run.duration", "ms", "Duration of runs, by task and outcome");

    public static readonly Histogram<double> Lateness = CarillonTelemetry.Meter.CreateHistogram<double>(
        "carillon.recurring.lateness", "ms", "Start of a run minus its occurrence, by task and trigger");

    public static readonly Counter<long> InvalidRecords = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring.invalid_records", "{record}", "Schedules-topic records skipped because they were malformed or named an unknown task");

    public static readonly Counter<long> VersionConflicts = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring.version_conflicts", "{conflict}", "Times this instance got the schedule but had an older schedule version than stored");

    public static readonly Counter<long> Takeovers = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring.takeovers", "{takeover}", "Times this instance became the schedule owner");

    public static readonly Counter<long> OwnerLoopRestarts = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring.owner_loop_restarts", "{restart}", "Times the schedules consumer loop failed and was restarted with a new consumer");

    public static readonly Counter<long> Attempts = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring.attempts", "{attempt}", "Attempts started (first attempts and retries), by task and kind (first, retry)");

    public static readonly Counter<long> RetriesExhausted = CarillonTelemetry.Meter.CreateCounter<long>(
        "carillon.recurring.retries_exhausted", "{occurrence}", "Occurrences whose last allowed attempt failed or timed out, by task and outcome");

    public static void RecordAttempt(string task, int attempt)
        => Attempts.Add(1, new TagList { { "task", task }, { "kind", attempt == 1 ? "first" : "retry" } });

    public static void RecordExhausted(string task, ScheduledRunOutcome outcome)
        => RetriesExhausted.Add(1, new TagList { { "task", task }, { "outcome", EnumText<ScheduledRunOutcome>.Of(outcome) } });

    public static void RecordOutcome(string task, ScheduledRunOutcome outcome, TimeSpan? duration)
    {
        var tags = new TagList { { "task", task }, { "outcome", EnumText<ScheduledRunOutcome>.Of(outcome) } };
        Runs.Add(1, tags);
        if (duration is { } d)
        {
            Duration.Record(d.TotalMilliseconds, tags);
        }
    }

    public static void RecordInvalid(string reason) => InvalidRecords.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
