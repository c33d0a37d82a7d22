using System.Diagnostics;
using Carillon.Telemetry;

namespace Carillon.Recurring.Scheduling;

/// <summary>
/// The <c>carillon.recurring.run</c> span of one run. A failed or timed-out run ends with
/// <see cref="ActivityStatusCode.Error"/> following OpenTelemetry's conventions (status description, <c>error.type</c>,
/// an <c>exception</c> event); every run carries its outcome in <c>carillon.run.outcome</c> (issue 9).
/// </summary>
internal static class RunTelemetry
{
    public const string OutcomeTag = "carillon.run.outcome";
    public const string ErrorTypeTag = "error.type";

    /// <summary><c>error.type</c> of a run stopped by its timeout (a low-cardinality identifier, as OpenTelemetry suggests).</summary>
    public const string TimeoutErrorType = "timeout";

    public static Activity? Start(string taskId, DateTimeOffset occurrence, ScheduledRunTrigger trigger)
    {
        // Without a listener there is no span: do not build its name (a string per run, issue 13's simulated year).
        if (!CarillonTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = CarillonTelemetry.ActivitySource.StartActivity("carillon.recurring.run " + taskId, ActivityKind.Internal);
        activity?.SetTag("carillon.task", taskId);
        activity?.SetTag("carillon.occurrence", occurrence.ToString("o"));
        activity?.SetTag("carillon.trigger", trigger.ToString());
        return activity;
    }

    public static void SetOutcome(Activity? activity, ScheduledRunOutcome outcome, Exception? error, TimeSpan? timeout)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, outcome.ToString());
        if (outcome == ScheduledRunOutcome.Failed && error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.SetTag(ErrorTypeTag, error.GetType().FullName);
            activity.AddException(error);
        }
        else if (outcome == ScheduledRunOutcome.TimedOut)
        {
            activity.SetStatus(ActivityStatusCode.Error, $"timed out after {timeout}");
            activity.SetTag(ErrorTypeTag, TimeoutErrorType);
        }
    }
}
