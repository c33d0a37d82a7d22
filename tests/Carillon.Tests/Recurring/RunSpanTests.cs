using System.Collections.Concurrent;
using System.Diagnostics;
using Carillon.Recurring.State;
using Carillon.Telemetry;

namespace Carillon.Tests.Recurring;

/// <summary>The <c>carillon.recurring.run</c> span carries the run's outcome, and an error status when it failed or timed out (issue 9).</summary>
public sealed class RunSpanTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public RunSpanTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CarillonTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task A_failed_run_ends_its_span_with_error_status_type_and_outcome()
    {
        await using var h = new EngineHarness(Noon);
        h.Start(new ScheduleState(), h.Recorded("span-failed", "* * * * * *", (_, _) => throw new InvalidOperationException("kaput")));

        await h.StepUntilAsync(() => SpansOf("span-failed").Count >= 1, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));

        var span = SpansOf("span-failed")[0];
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("kaput", span.StatusDescription);
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(nameof(ScheduledRunOutcome.Failed), span.GetTagItem("carillon.run.outcome"));
        Assert.Single(span.Events, e => e.Name == "exception");
    }

    [Fact]
    public async Task A_timed_out_run_ends_its_span_with_error_status_and_outcome()
    {
        await using var h = new EngineHarness(Noon);
        h.Start(new ScheduleState(), h.Recorded("span-timeout", "0 * * * * *", async (_, ct) => await Task.Delay(Timeout.Infinite, ct), timeoutSeconds: 5));

        await h.StepUntilAsync(() => SpansOf("span-timeout").Count >= 1, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(2));

        var span = SpansOf("span-timeout").Single();
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains("timed out", span.StatusDescription);
        Assert.Equal("timeout", span.GetTagItem("error.type"));
        Assert.Equal(nameof(ScheduledRunOutcome.TimedOut), span.GetTagItem("carillon.run.outcome"));
    }

    [Fact]
    public async Task A_successful_run_has_its_outcome_and_no_error_status()
    {
        await using var h = new EngineHarness(Noon);
        h.Start(new ScheduleState(), h.Recorded("span-ok", "* * * * * *"));

        await h.StepUntilAsync(() => SpansOf("span-ok").Count >= 1, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));

        var span = SpansOf("span-ok")[0];
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Equal(nameof(ScheduledRunOutcome.Succeeded), span.GetTagItem("carillon.run.outcome"));
    }

    public void Dispose() => _listener.Dispose();

    private List<Activity> SpansOf(string task)
        => _stopped.Where(a => a.OperationName == "carillon.recurring.run " + task).ToList();
}
