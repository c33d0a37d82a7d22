using System.Collections.Concurrent;
using System.Text;
using Carillon.Kafka.Tests.Delayed;
using Carillon.Kafka.Tests.Recurring;
using Carillon.Monitoring;
using Carillon.Protocol;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Monitoring;

/// <summary>The read model (issue 10), built by a separate monitor from the topics a real owner and dispatcher wrote.</summary>
public sealed class ScheduleMonitorTests
{
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_monitor_shows_each_task_with_its_definition_next_occurrence_last_run_and_the_owner()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        await using var owner = await RecurringNode.StartAsync(kafka.BootstrapServers, "owner-1", MonitoredApp.Registry(runs));
        await KafkaTestKit.EventuallyAsync(() => owner.Status.IsOwner && runs.Count(r => r.TaskId == "tick") >= 2, "the owner running tick");
        using var opened = OpenedMonitor.Open(kafka.BootstrapServers);
        var monitor = opened.Monitor;

        ScheduleView schedule = null!;
        await KafkaTestKit.EventuallyAsync(() => (schedule = CaughtUp(monitor).GetSchedule()).Tasks.FirstOrDefault(t => t.Id == "tick")?.LastRun is not null, "tick's last run in the view");

        Assert.Equal("owner-1", schedule.OwnerInstance);
        Assert.NotNull(schedule.OwnerSince);
        Assert.Equal("2.1.0", schedule.ScheduleVersion);
        Assert.Equal(["nightly", "tick"], schedule.Tasks.Select(t => t.Id));
        var nightly = schedule.Tasks[0];
        Assert.Equal(("0 30 3 * * *", "Europe/Paris", true, TimeSpan.FromSeconds(90), "2.1.0"), (nightly.Cron, nightly.TimeZone, nightly.AllowOverlap, nightly.Timeout, nightly.Version));
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var expected = NextParisHalfPastThree(schedule.AsOf, paris);
        Assert.Equal(expected, nightly.NextOccurrence);
        Assert.Null(nightly.LastRun);
        Assert.False(nightly.Overdue);
        var tick = schedule.Tasks[1];
        Assert.Equal(ScheduledRunOutcome.Succeeded, tick.LastRun!.Outcome);
        Assert.Equal("owner-1", tick.LastRun.Instance);
        Assert.True(tick.LastRun.Attempt >= 1);
        Assert.True(tick.Enabled);
    }

    [Fact]
    public async Task A_disable_command_shows_as_disabled_and_recent_runs_are_bounded_and_newest_first()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        await using var owner = await RecurringNode.StartAsync(kafka.BootstrapServers, "owner-1", MonitoredApp.Registry(runs));
        await KafkaTestKit.EventuallyAsync(() => runs.Count(r => r.TaskId == "tick") >= 4, "four runs of tick");
        await owner.Commands.DisableAsync("tick");
        using var opened = OpenedMonitor.Open(kafka.BootstrapServers);
        var monitor = opened.Monitor;

        await KafkaTestKit.EventuallyAsync(() => CaughtUp(monitor).GetTask("tick") is { Enabled: false }, "tick disabled in the view");
        var recent = monitor.GetRecentRuns("tick", 3);

        Assert.Equal(3, recent.Count);
        Assert.True(recent[0].Occurrence > recent[1].Occurrence && recent[1].Occurrence > recent[2].Occurrence, "newest first");
        Assert.Null(monitor.GetTask("no-such-task"));
    }

    [Fact]
    public async Task A_monitor_sees_a_new_owner_take_over()
    {
        using var kafka = KafkaTestKit.StartBroker();
        var runs = new ConcurrentQueue<ObservedRun>();
        var first = await RecurringNode.StartAsync(kafka.BootstrapServers, "first", MonitoredApp.Registry(runs));
        await KafkaTestKit.EventuallyAsync(() => first.Status.IsOwner, "first owner");
        using var opened = OpenedMonitor.Open(kafka.BootstrapServers);
        var monitor = opened.Monitor;
        await KafkaTestKit.EventuallyAsync(() => monitor.GetSchedule().OwnerInstance == "first", "first seen as owner");

        await first.DisposeAsync();
        await using var second = await RecurringNode.StartAsync(kafka.BootstrapServers, "second", MonitoredApp.Registry(runs));

        // Following, not re-reading: the same monitor sees the takeover as it is written.
        await KafkaTestKit.EventuallyAsync(() => monitor.GetSchedule().OwnerInstance == "second", "second seen as owner");
    }

    [Fact]
    public async Task Delayed_stats_count_pending_dispatched_and_dead_lettered_per_partition_and_list_the_dead_letters()
    {
        using var kit = new DelayedTestKit("monitor-target");
        using var host = await kit.StartHostAsync();
        using var producer = kit.RawProducer();
        var far = DateTimeOffset.UtcNow.AddHours(1);
        await Produce(producer, 0, "later-1", "monitor-target", far);
        await Produce(producer, 0, "later-2", "monitor-target", far.AddMinutes(1));
        await Produce(producer, 0, "now-1", "monitor-target", DateTimeOffset.UtcNow);
        await Produce(producer, 1, "bad-1", targetTopic: null, DateTimeOffset.UtcNow);
        using var opened = OpenedMonitor.Open(kit.Kafka.BootstrapServers);
        var monitor = opened.Monitor;

        await KafkaTestKit.EventuallyAsync(
            () => CaughtUp(monitor).GetDelayed() is { Pending: 2, Dispatched: 1, DeadLettered: 1 },
            "two pending, one dispatched, one dead-lettered");
        var delayed = monitor.GetDelayed();

        Assert.Equal(Enumerable.Range(0, 6), delayed.Partitions.Select(p => p.Partition));
        var p0 = delayed.Partitions[0];
        Assert.Equal((2L, 1L, 0L), (p0.Pending, p0.Dispatched, p0.DeadLettered));
        Assert.Equal(far.ToUnixTimeMilliseconds(), p0.NextDue!.Value.ToUnixTimeMilliseconds());
        Assert.NotNull(p0.OldestPending);
        Assert.Equal((0L, 0L, 1L), (delayed.Partitions[1].Pending, delayed.Partitions[1].Dispatched, delayed.Partitions[1].DeadLettered));
        var dead = Assert.Single(monitor.GetDeadLetters());
        Assert.Equal((DeadLetterReasons.MissingTargetTopic, "bad-1", 1, (string?)null), (dead.Reason, dead.ScheduleKey, dead.SourcePartition, dead.TargetTopic));
    }

    [Fact]
    public async Task Catching_up_with_a_cluster_that_does_not_answer_waits_until_cancelled_instead_of_showing_nothing()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var opened = OpenedMonitor.Open($"127.0.0.1:{closedPort}");

        // Longer than several failed metadata requests: silence must never read as "caught up, nothing there".
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => opened.Monitor.WaitUntilCaughtUpAsync(deadline.Token));
    }

    [Fact]
    public void Catching_up_with_a_cluster_without_carillon_topics_completes_with_an_empty_view()
    {
        using var kafka = Carillon.Testing.EmbeddedKafka.Start(brokers: 1);
        using var opened = OpenedMonitor.Open(kafka.BootstrapServers);

        var view = CaughtUp(opened.Monitor);

        Assert.Empty(view.GetSchedule().Tasks);
        Assert.Empty(view.GetDelayed().Partitions);
    }

    [Fact]
    public async Task Catching_up_reads_a_topic_created_after_the_monitor_started()
    {
        using var kafka = Carillon.Testing.EmbeddedKafka.Start(brokers: 1);
        using var opened = OpenedMonitor.Open(kafka.BootstrapServers);
        CaughtUp(opened.Monitor);
        kafka.CreateTopic(DelayedTestKit.DelayedTopic, 2);
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            var due = Encoding.ASCII.GetBytes(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            await producer.ProduceAsync(new TopicPartition(DelayedTestKit.DelayedTopic, 1), new Message<byte[]?, byte[]?>
            {
                Key = "later"u8.ToArray(),
                Value = "v"u8.ToArray(),
                Headers = new Headers { { DelayedHeaders.TargetTopic, "somewhere"u8.ToArray() }, { DelayedHeaders.DeliverAt, due } },
            });
        }

        var delayed = CaughtUp(opened.Monitor).GetDelayed();

        Assert.Equal([0L, 1L], delayed.Partitions.Select(p => p.Pending));
    }

    private static IScheduleMonitor CaughtUp(IScheduleMonitor monitor)
    {
        using var timeout = new CancellationTokenSource(CatchUp);
        monitor.WaitUntilCaughtUpAsync(timeout.Token).GetAwaiter().GetResult();
        return monitor;
    }

    private static DateTimeOffset NextParisHalfPastThree(DateTimeOffset after, TimeZoneInfo paris)
    {
        var local = TimeZoneInfo.ConvertTime(after, paris);
        var candidate = new DateTime(local.Year, local.Month, local.Day, 3, 30, 0, DateTimeKind.Unspecified);
        if (candidate <= local.DateTime)
        {
            candidate = candidate.AddDays(1);
        }

        return new DateTimeOffset(candidate, paris.GetUtcOffset(candidate));
    }

    private static Task Produce(IProducer<byte[]?, byte[]?> producer, int partition, string key, string? targetTopic, DateTimeOffset due)
    {
        var headers = new Headers { { DelayedHeaders.DeliverAt, Encoding.ASCII.GetBytes(due.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)) } };
        if (targetTopic is not null)
        {
            headers.Add(DelayedHeaders.TargetTopic, Encoding.UTF8.GetBytes(targetTopic));
        }

        return producer.ProduceAsync(new TopicPartition(DelayedTestKit.DelayedTopic, partition), new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = "v"u8.ToArray(), Headers = headers });
    }
}

/// <summary>A standalone monitor, as a separate process creates it, disposed by the test.</summary>
internal sealed class OpenedMonitor(IScheduleMonitor monitor) : IDisposable
{
    public IScheduleMonitor Monitor { get; } = monitor;

    public static OpenedMonitor Open(string bootstrapServers)
        => new(CarillonStandalone.CreateScheduleMonitor(new CarillonOptions { BootstrapServers = bootstrapServers, InstanceId = "monitor" }));

    public void Dispose() => ((IDisposable)Monitor).Dispose();
}

/// <summary>An app as an operator meets it: a per-second task and a nightly one in a time zone.</summary>
internal static class MonitoredApp
{
    public static IScheduleRegistry Registry(ConcurrentQueue<ObservedRun> runs) => new ScheduleRegistry("2.1.0",
    [
        new ScheduledTaskDescriptor("tick", "* * * * * *", null, false, 0, exclusive: true, enabled: true, MisfirePolicy.RunOnce, "2.1.0", "Tests.Jobs", "Tick", Record(runs)),
        new ScheduledTaskDescriptor("nightly", "0 30 3 * * *", "Europe/Paris", true, 90, exclusive: true, enabled: true, MisfirePolicy.Skip, "2.1.0", "Tests.Jobs", "Nightly", Record(runs)),
    ]);

    private static ScheduledTaskInvoker Record(ConcurrentQueue<ObservedRun> runs) => (_, ctx, _) =>
    {
        runs.Enqueue(new ObservedRun(ctx.InstanceId, ctx.TaskId, ctx.Occurrence, ctx.Trigger, ctx.FiredAt));
        return ValueTask.CompletedTask;
    };
}
