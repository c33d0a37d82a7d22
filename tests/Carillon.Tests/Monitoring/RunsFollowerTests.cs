using System.Text;
using Carillon.Monitoring.Following;
using Carillon.Recurring.Ownership;
using Carillon.Recurring.State;

namespace Carillon.Tests.Monitoring;

/// <summary>Recent runs per task from the execution log (issue 10).</summary>
public sealed class RunsFollowerTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Recent_runs_are_bounded_per_task_and_newest_first()
    {
        var runs = new RunsFollower();
        for (var i = 0; i < RunsFollower.PerTask + 10; i++)
        {
            Add(runs, i, "tick", At.AddSeconds(i), attempt: i + 1);
        }

        var all = runs.Recent("tick", int.MaxValue);

        Assert.Equal(RunsFollower.PerTask, all.Count);
        Assert.Equal(At.AddSeconds(RunsFollower.PerTask + 9), all[0].Occurrence);
        Assert.Equal(RunsFollower.PerTask + 10, all[0].Attempt);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Occurrence > p.Second.Occurrence));
    }

    [Fact]
    public void Recent_runs_of_every_task_interleave_in_log_order()
    {
        var runs = new RunsFollower();
        Add(runs, 0, "a", At, 1);
        Add(runs, 1, "b", At.AddSeconds(1), 1);
        Add(runs, 2, "a", At.AddSeconds(2), 2);

        Assert.Equal(["a", "b", "a"], runs.Recent("*", 10).Select(r => r.TaskId));
        Assert.Equal(["a", "b"], runs.Recent("*", 2).Select(r => r.TaskId));
    }

    [Fact]
    public void A_log_record_written_before_attempts_were_recorded_reads_as_the_first_attempt()
    {
        var runs = new RunsFollower();
        var old = """{"v":1,"task":"t","occurrence":"2026-06-01T02:00:00+00:00","start":"2026-06-01T02:00:00.012+00:00","end":"2026-06-01T02:00:01.340+00:00","durationMs":1328,"outcome":"Succeeded","trigger":"Schedule","errorType":null,"errorMessage":null,"instance":"web-1","runId":"r","scheduleVersion":"1.4.0","taskVersion":"1.4.0"}"""u8.ToArray();
        runs.Add(0, "t"u8.ToArray(), old);

        var run = Assert.Single(runs.Recent("t", 10));

        Assert.Equal((1, "web-1", TimeSpan.FromMilliseconds(1328)), (run.Attempt, run.Instance, run.Duration));
    }

    private static void Add(RunsFollower runs, long offset, string task, DateTimeOffset occurrence, int attempt)
    {
        var message = StateMessages.Log(new OutcomeRecord(task, occurrence, "run", "i", ScheduledRunTrigger.Schedule, null, ScheduledRunOutcome.Succeeded, occurrence, occurrence.AddMilliseconds(3), null, null, "1.0.0", "1.0.0", attempt));
        runs.Add(offset, Encoding.UTF8.GetBytes(task), message.Value);
    }
}
