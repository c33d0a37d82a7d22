using System.Collections.Concurrent;
using Carillon.Protocol;

namespace Carillon.Kafka.Tests.Recurring;

/// <summary>Issue 13: retries on one host against the embedded broker, seen in the execution log.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task A_task_failing_twice_is_attempted_three_times_each_once_and_logged_with_its_attempt()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var attempts = new ConcurrentQueue<(DateTimeOffset Occurrence, long Attempt, DateTimeOffset FiredAt)>();
        var task = new ScheduledTaskDescriptor("flaky", "*/10 * * * * *", null, false, 0, exclusive: true, enabled: true, MisfirePolicy.RunOnce, "1.0.0", "Tests.Jobs", "Flaky",
            (_, ctx, _) =>
            {
                attempts.Enqueue((ctx.Occurrence, ctx.Attempt, ctx.FiredAt));
                return ctx.Attempt <= 2 ? throw new InvalidOperationException("fails on purpose") : ValueTask.CompletedTask;
            }).WithRetries(retries: 2, retryDelaySeconds: 1, retryOnTimeout: false);
        await using var node = await RecurringNode.StartAsync(kafka.BootstrapServers, "a", new ScheduleRegistry("1.0.0", [task]));

        // The first occurrence whose first attempt this test saw; its third attempt's outcome closes it.
        List<ExecutionLogRecord> logs = [];
        DateTimeOffset? occurrence = null;
        await KafkaTestKit.EventuallyAsync(
            () => (occurrence = attempts.FirstOrDefault(a => a.Attempt == 1).Occurrence) != default
                && (logs = KafkaTestKit.ReadLogs(kafka.BootstrapServers)).Any(l => l.Occurrence == occurrence && l.Attempt == 3),
            "three attempts of an occurrence",
            TimeSpan.FromSeconds(120),
            poll: TimeSpan.FromMilliseconds(500));

        Assert.Equal([1L, 2L, 3L], attempts.Where(a => a.Occurrence == occurrence).Select(a => a.Attempt));
        var records = logs.Where(l => l.Occurrence == occurrence).ToList();
        Assert.Equal([1, 2, 3], records.Select(r => r.Attempt));
        Assert.Equal([ScheduledRunOutcome.Failed, ScheduledRunOutcome.Failed, ScheduledRunOutcome.Succeeded], records.Select(r => r.Outcome));
        Assert.All(records.Take(2), r => Assert.Equal(typeof(InvalidOperationException).FullName, r.ErrorType));
        Assert.Null(records[2].RetryAt);
        Assert.True(records[1].Start >= records[0].RetryAt!.Value, "attempt 2 starts at or after the due time attempt 1 planned");
        Assert.True(records[2].Start >= records[1].RetryAt!.Value, "attempt 3 starts at or after the due time attempt 2 planned");
    }
}
