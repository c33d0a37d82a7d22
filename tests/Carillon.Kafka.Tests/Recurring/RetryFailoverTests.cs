using System.Globalization;
using Carillon.Protocol;
using Carillon.Kafka.Tests.Support;
using Xunit.Abstractions;

namespace Carillon.Kafka.Tests.Recurring;

/// <summary>
/// Issue 13: a pending retry is held in the schedule's state, so the owner dying between two attempts neither loses the
/// retry nor runs an attempt twice. Real processes (Carillon.Recurring.TestApp), SIGKILL, the consumer-group protocol.
/// </summary>
public sealed class RetryFailoverTests(ITestOutputHelper output)
{
    private const string Task = "retrying";

    // Attempt 2 is due 4.8-7.2 s after attempt 1 failed and attempt 3 9.6-14.4 s after attempt 2: the three attempts
    // fit well inside the 30 s between occurrences, and the kill (within a second of attempt 1's outcome) always comes
    // before attempt 2.
    private static readonly IReadOnlyDictionary<string, string> RetryTask = new Dictionary<string, string>
    {
        ["RETRY_CRON"] = "*/30 * * * * *",
        ["RETRY_DELAY"] = "6",
    };

    [Fact]
    public async Task Owner_killed_between_attempts_each_attempt_starts_exactly_once_and_the_last_succeeds()
    {
        using var broker = await StandaloneBroker.StartAsync(brokers: 1, KafkaTestKit.ConsumerGroupSession, KafkaTestKit.ConsumerGroupHeartbeat);
        var sideEffects = Directory.CreateTempSubdirectory("carillon-retry-failover-").FullName;
        var apps = Enumerable.Range(1, 3)
            .Select(i => AppProcess.Start(broker.BootstrapServers, $"app-{i}", KafkaTestKit.ConsumerGroupSession, sideEffects, ConsumerGroupProtocol.Consumer, RetryTask))
            .ToList();
        try
        {
            await KafkaTestKit.EventuallyAsync(
                () => apps.Count(a => a.IsOwner) == 1 && apps.Single(a => a.IsOwner).RunsSinceTakeover >= 6,
                "an owner running",
                TimeSpan.FromSeconds(120));
            var settledMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using var logs = new LogTail(broker.BootstrapServers);

            // The first attempt of an occurrence after the group settled: the process that printed it owns the schedule.
            (AppProcess App, Attempt Attempt)? first = null;
            await KafkaTestKit.EventuallyAsync(
                () => (first = apps.SelectMany(a => Attempts(a).Select(t => (a, t))).FirstOrDefault(x => x.t.Number == 1 && x.t.OccurrenceMs > settledMs) is { a: not null } x ? x : null) is not null,
                "attempt 1 of an occurrence",
                TimeSpan.FromSeconds(120),
                poll: TimeSpan.FromMilliseconds(20));
            var (owner, attempt1) = first!.Value;
            var occurrence = DateTimeOffset.FromUnixTimeMilliseconds(attempt1.OccurrenceMs);

            // Killed once attempt 1's failure is durable: the pending retry is in the state the next owner reads.
            await KafkaTestKit.EventuallyAsync(
                () => logs.Records.Any(r => IsAttempt(r, occurrence, 1) && r.Outcome == ScheduledRunOutcome.Failed),
                "attempt 1's Failed outcome in the log",
                TimeSpan.FromSeconds(60),
                poll: TimeSpan.FromMilliseconds(10));
            var failed1 = logs.Records.First(r => IsAttempt(r, occurrence, 1));
            owner.Kill();
            var killedAt = DateTimeOffset.UtcNow;
            Assert.NotNull(failed1.RetryAt);
            Assert.True(killedAt < failed1.RetryAt, $"the owner was killed at {killedAt:o}, after attempt 2 was due ({failed1.RetryAt:o})");
            Assert.DoesNotContain(Attempts(owner), a => a.OccurrenceMs == attempt1.OccurrenceMs && a.Number > 1);

            await KafkaTestKit.EventuallyAsync(
                () => logs.Records.Any(r => IsAttempt(r, occurrence, 3)),
                "attempt 3's outcome in the log",
                TimeSpan.FromSeconds(120));
            foreach (var app in apps.Where(a => !a.Killed))
            {
                app.Kill();
            }

            // Every attempt started exactly once across the processes, from the fsync'd side-effect files...
            var started = Directory.GetFiles(sideEffects, "*.attempts.txt").SelectMany(File.ReadAllLines).Select(Attempt.Parse).ToList();
            var ofOccurrence = started.Where(a => a.OccurrenceMs == attempt1.OccurrenceMs).OrderBy(a => a.Number).ToList();
            Assert.Equal([1, 2, 3], ofOccurrence.Select(a => a.Number));
            Assert.Equal(owner.InstanceId, ofOccurrence[0].Instance);
            var successor = ofOccurrence[1].Instance;
            Assert.NotEqual(owner.InstanceId, successor);
            Assert.Equal(successor, ofOccurrence[2].Instance);
            Assert.Equal(started.Count, started.Select(a => (a.OccurrenceMs, a.Number)).Distinct().Count());

            // ...and from the log: two failures that each planned the next attempt, then the success, once each.
            var records = logs.Records.Where(r => r.Task == Task && r.Occurrence == occurrence).OrderBy(r => r.Attempt).ToList();
            Assert.Equal([1, 2, 3], records.Select(r => r.Attempt));
            Assert.Equal([ScheduledRunOutcome.Failed, ScheduledRunOutcome.Failed, ScheduledRunOutcome.Succeeded], records.Select(r => r.Outcome));
            Assert.NotNull(records[1].RetryAt);
            Assert.Null(records[2].RetryAt);
            Assert.Equal([owner.InstanceId, successor, successor], records.Select(r => r.Instance));
            Assert.True(records[1].Start >= records[0].RetryAt, "attempt 2 never starts before its due time");
            Assert.True(records[2].Start >= records[1].RetryAt, "attempt 3 never starts before its due time");

            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"occurrence {occurrence:HH:mm:ss}: attempt 1 on {owner.InstanceId}, killed {(failed1.RetryAt!.Value - killedAt).TotalSeconds:F1} s before attempt 2 was due; attempt 2 ({records[1].Trigger}) started {(records[1].Start - records[0].RetryAt!.Value).TotalSeconds:F1} s after its due time on {successor}, attempt 3 {(records[2].Start - records[1].RetryAt!.Value).TotalSeconds:F1} s after its"));
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

    private static bool IsAttempt(ExecutionLogRecord r, DateTimeOffset occurrence, int attempt) => r.Task == Task && r.Occurrence == occurrence && r.Attempt == attempt;

    private static IEnumerable<Attempt> Attempts(AppProcess app) => app.Process.Lines.Where(l => l.StartsWith("ATTEMPT ", StringComparison.Ordinal)).Select(Attempt.Parse);

    /// <summary>A line <c>ATTEMPT task occurrence-ms attempt instance</c> the test app printed as an attempt started.</summary>
    private sealed record Attempt(long OccurrenceMs, int Number, string Instance)
    {
        public static Attempt Parse(string line)
        {
            var parts = line.Split(' ');
            return new Attempt(long.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture), parts[4]);
        }
    }
}
