using System.Diagnostics;
using Carillon.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace Carillon.Kafka.Tests.Recurring;

public sealed class FailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task A_killed_owner_is_replaced_within_the_session_timeout_and_no_occurrence_starts_twice()
    {
        using var broker = await StandaloneBroker.StartAsync(brokers: 1);
        var sideEffects = Directory.CreateTempSubdirectory("carillon-failover-").FullName;
        var apps = Enumerable.Range(1, 3).Select(i => AppProcess.Start(broker.BootstrapServers, $"app-{i}", Session, sideEffects)).ToList();
        try
        {
            await KafkaTestKit.EventuallyAsync(() => apps.Count(a => a.TookOver) == 1 && apps.Single(a => a.TookOver).Runs.Count >= 6, "an owner running", TimeSpan.FromSeconds(90));
            var owner = apps.Single(a => a.TookOver);
            Assert.All(apps.Where(a => a != owner), a => Assert.Empty(a.Runs));

            var killedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            owner.Kill();
            var survivors = apps.Where(a => a != owner).ToList();
            await KafkaTestKit.EventuallyAsync(() => survivors.Any(a => a.TookOver), "a survivor takes over", TimeSpan.FromSeconds(60));
            var takeover = clock.Elapsed;
            var successor = survivors.Single(a => a.TookOver);
            await KafkaTestKit.EventuallyAsync(() => successor.Runs.Count(r => r.TaskId == "every-second") >= 3, "the successor running", TimeSpan.FromSeconds(30));
            var firstRun = TimeSpan.FromMilliseconds(successor.Runs.Min(r => r.FiredMs) - killedAt.ToUnixTimeMilliseconds());
            output.WriteLine($"takeover after SIGKILL: ownership {takeover.TotalMilliseconds:F0} ms, first run {firstRun.TotalMilliseconds:F0} ms (session timeout {Session.TotalSeconds} s)");

            // Budget: the session timeout (crash detection) + 1 s, plus what librdkafka's mock broker adds on its own: after
            // a member times out its JoinGroup phase waits session.timeout - 1 s for members to rejoin (rdkafka_mock_cgrp.c;
            // a real broker completes the join as soon as the remaining members have rejoined), plus CI slack.
            var mockJoinWait = Session - TimeSpan.FromSeconds(1);
            Assert.True(takeover < Session + TimeSpan.FromSeconds(1) + mockJoinWait + TimeSpan.FromSeconds(5), $"takeover took {takeover}");
            Assert.All(survivors.Where(a => a != successor), a => Assert.Empty(a.Runs));

            // Misfire: the RunOnce task runs the latest missed occurrence once; the Skip task does not.
            var successorRuns = successor.Runs;
            var misfires = successorRuns.Where(r => r.Trigger == nameof(ScheduledRunTrigger.Misfire)).ToList();
            var misfire = Assert.Single(misfires);
            Assert.Equal("every-second", misfire.TaskId);
            Assert.True(misfire.OccurrenceMs > owner.Runs.Max(r => r.OccurrenceMs), "the misfire is an occurrence the dead owner did not run");
            Assert.Equal(misfire.OccurrenceMs, successorRuns.Where(r => r.TaskId == "every-second").Min(r => r.OccurrenceMs));
            var skipFirst = successorRuns.Where(r => r.TaskId == "every-second-skip").MinBy(r => r.OccurrenceMs)!;
            Assert.Equal(nameof(ScheduledRunTrigger.Schedule), skipFirst.Trigger);
            Assert.True(skipFirst.OccurrenceMs > misfire.OccurrenceMs, "the Skip task waits for the next occurrence");

            // No occurrence started twice: from the side effect files...
            foreach (var app in apps.Where(a => !a.Killed))
            {
                app.Kill();
            }

            var effects = Directory.GetFiles(sideEffects).SelectMany(File.ReadAllLines).Select(AppProcess.Parse).OfType<AppRun>().ToList();
            Assert.True(effects.Count >= owner.Runs.Count + 3, $"side effects: {effects.Count}");
            Assert.Equal(effects.Count, effects.Select(r => (r.TaskId, r.OccurrenceMs)).Distinct().Count());

            // ...and from the logs topic.
            var logs = KafkaTestKit.ReadLogs(broker.BootstrapServers);
            var started = logs.Where(l => l.Outcome is ScheduledRunOutcome.Succeeded or ScheduledRunOutcome.Failed or ScheduledRunOutcome.TimedOut).ToList();
            Assert.NotEmpty(started);
            Assert.Equal(started.Count, started.Select(l => (l.Task, l.Occurrence)).Distinct().Count());
            Assert.All(started, l => Assert.Contains(effects, e => e.TaskId == l.Task && e.OccurrenceMs == l.Occurrence.ToUnixTimeMilliseconds()));
            Assert.Contains(logs, l => l.Instance == successor.InstanceId);
        }
        finally
        {
            foreach (var app in apps)
            {
                app.Dispose();
            }

            Directory.Delete(sideEffects, recursive: true);
        }
    }
}
