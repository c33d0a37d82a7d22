using System.Collections.Concurrent;
using Carillon.Testing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Carillon.Kafka.Tests.Recurring;

/// <summary>
/// Issue 8: the one-second task keeps running through whole-cluster outages and injected broker errors, and no
/// occurrence ever runs twice. Every assertion is a count (runs resumed, duplicates none), never a duration.
/// </summary>
public sealed class RecurringFaultTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2)]
    [InlineData(20)]
    public async Task The_task_resumes_after_the_whole_cluster_was_down_and_no_occurrence_runs_twice(int downSeconds)
    {
        await using var cluster = await Cluster.StartAsync(instances: 3);
        await cluster.RunningAsync();

        var termsBefore = cluster.Nodes.Sum(n => n.Status.Terms);
        var downAt = DateTimeOffset.UtcNow;
        cluster.Kafka.SetBrokerDown(1);
        await Task.Delay(TimeSpan.FromSeconds(downSeconds));
        cluster.Kafka.SetBrokerUp(1);
        var upAt = DateTimeOffset.UtcNow;

        await cluster.ResumedAfterAsync(upAt);
        var stalled = cluster.Runs.Where(r => r.FiredAt >= downAt).Select(r => r.FiredAt).DefaultIfEmpty(upAt).Min() - downAt;
        var firstAfter = cluster.Runs.Where(r => r.FiredAt >= upAt).Min(r => r.FiredAt) - upAt;
        output.WriteLine($"cluster down {downSeconds} s: first run {firstAfter.TotalSeconds:F1} s after the cluster returned; runs {cluster.Runs.Count}");
        output.WriteLine($"no run for {stalled.TotalSeconds:F1} s from the outage's start");
        cluster.AssertNoOccurrenceTwice();

        // Missed occurrences follow the misfire policy (RunOnce): at most one Misfire run per term started since.
        var terms = cluster.Nodes.Sum(n => n.Status.Terms) - termsBefore;
        Assert.True(cluster.Runs.Count(r => r.FiredAt >= downAt && r.Trigger == ScheduledRunTrigger.Misfire) <= terms);
    }

    [Theory]
    [InlineData(KafkaApiKey.Produce, ErrorCode.RequestTimedOut)]
    [InlineData(KafkaApiKey.EndTxn, ErrorCode.NotCoordinatorForGroup)]
    [InlineData(KafkaApiKey.AddOffsetsToTxn, ErrorCode.GroupLoadInProgress)]
    [InlineData(KafkaApiKey.InitProducerId, ErrorCode.GroupLoadInProgress)]
    [InlineData(KafkaApiKey.ConsumerGroupHeartbeat, ErrorCode.NotCoordinatorForGroup)]
    [InlineData(KafkaApiKey.Fetch, ErrorCode.RequestTimedOut)]
    [InlineData(KafkaApiKey.Produce, ErrorCode.UnknownProducerId)]
    [InlineData(KafkaApiKey.EndTxn, ErrorCode.InvalidTxnState)]
    [InlineData(KafkaApiKey.EndTxn, ErrorCode.ProducerFenced)]
    public async Task The_task_keeps_running_through_injected_broker_errors_and_no_occurrence_runs_twice(KafkaApiKey api, ErrorCode error)
    {
        await using var cluster = await Cluster.StartAsync(instances: 1);
        await cluster.RunningAsync();

        // A burst, not a single error: librdkafka retries a lone retriable error inside one call.
        cluster.Kafka.InjectRequestErrors(api, Enumerable.Repeat(error, 5).ToArray());
        if (api is KafkaApiKey.InitProducerId or KafkaApiKey.AddOffsetsToTxn)
        {
            // Only a new term (InitProducerId) or a snapshot (AddOffsetsToTxn) sends these: force one.
            cluster.Kafka.InjectRequestErrors(KafkaApiKey.AddPartitionsToTxn, ErrorCode.ProducerFenced);
        }

        // Not an assertion: the errors are left in place for two one-second occurrences, then removed.
        await Task.Delay(TimeSpan.FromSeconds(2));
        cluster.Kafka.ClearRequestErrors(api);
        await cluster.ResumedAfterAsync(DateTimeOffset.UtcNow);
        cluster.AssertNoOccurrenceTwice();
    }

    [Fact]
    public async Task The_task_keeps_running_through_classic_group_coordinator_errors_and_no_occurrence_runs_twice()
    {
        await using var cluster = await Cluster.StartAsync(instances: 1, o => o.Recurring.GroupProtocol = ConsumerGroupProtocol.Classic);
        await cluster.RunningAsync();

        // Heartbeats refused: the classic member rejoins, and its JoinGroup meets a coordinator still loading.
        cluster.Kafka.InjectRequestErrors(KafkaApiKey.Heartbeat, Enumerable.Repeat(ErrorCode.NotCoordinatorForGroup, 5).ToArray());
        cluster.Kafka.InjectRequestErrors(KafkaApiKey.JoinGroup, Enumerable.Repeat(ErrorCode.GroupLoadInProgress, 3).ToArray());
        await Task.Delay(TimeSpan.FromSeconds(2));
        cluster.Kafka.ClearRequestErrors(KafkaApiKey.Heartbeat);
        cluster.Kafka.ClearRequestErrors(KafkaApiKey.JoinGroup);

        await cluster.ResumedAfterAsync(DateTimeOffset.UtcNow);
        cluster.AssertNoOccurrenceTwice();
    }

    [Fact]
    public async Task A_commit_that_never_completes_ends_the_term_and_the_schedule_moves_on()
    {
        await using var cluster = await Cluster.StartAsync(instances: 1);
        await cluster.RunningAsync();
        var node = cluster.Nodes[0];
        var losses = node.Status.Losses;

        // The transaction coordinator answers every EndTxn with a timeout: the commit never completes, librdkafka
        // refuses the abort that follows ("Conflicting commit_transaction API call is already in progress"), and before
        // issue 8 the writer wedged there with health Healthy. Now the producer is Broken, the term ends, and a new
        // term (new producer, InitTransactions, replay) takes the schedule on.
        cluster.Kafka.InjectRequestErrors(KafkaApiKey.EndTxn, Enumerable.Repeat(ErrorCode.RequestTimedOut, 1_000).ToArray());
        await KafkaTestKit.EventuallyAsync(() => node.Status.Losses > losses, "the stuck term ends", TimeSpan.FromSeconds(90));
        output.WriteLine("term ended: " + node.Status.LastLossReason);
        cluster.Kafka.ClearRequestErrors(KafkaApiKey.EndTxn);

        await cluster.ResumedAfterAsync(DateTimeOffset.UtcNow);
        cluster.AssertNoOccurrenceTwice();
    }

    [Fact]
    public async Task A_stuck_commit_does_not_hold_shutdown()
    {
        await using var cluster = await Cluster.StartAsync(instances: 1);
        await cluster.RunningAsync();
        var node = cluster.Nodes[0];
        var owner = node.Host.Services.GetServices<IHostedService>().OfType<Carillon.Recurring.Ownership.ScheduleOwnerService>().Single();

        // Commits stop completing; the next claim (due within a second) is stuck in one when the host stops.
        cluster.Kafka.InjectRequestErrors(KafkaApiKey.EndTxn, Enumerable.Repeat(ErrorCode.RequestTimedOut, 1_000).ToArray());
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await node.StopAsync();

        // The host's stop token (30 s) did not cut the owner loop off: it ended by itself, within its bounds.
        Assert.True(owner.ExecuteTask?.IsCompleted, "the schedules owner loop was still running after the host stopped");
    }

    /// <summary>Instances of one schedule on one embedded broker, with their observed runs.</summary>
    internal sealed class Cluster : IAsyncDisposable
    {
        private Cluster(EmbeddedKafka kafka) => Kafka = kafka;

        public EmbeddedKafka Kafka { get; }

        public ConcurrentQueue<ObservedRun> Runs { get; } = new();

        public List<RecurringNode> Nodes { get; } = [];

        /// <summary>Starts a broker, runs <paramref name="beforeNodes"/> on it, then starts the instances.</summary>
        public static async Task<Cluster> StartAsync(int instances, Action<CarillonOptions>? configure = null, Func<EmbeddedKafka, Task>? beforeNodes = null)
        {
            var kafka = KafkaTestKit.StartBroker();
            kafka.SetConsumerGroupSessionTimeout(KafkaTestKit.ConsumerGroupSession);
            kafka.SetConsumerGroupHeartbeatInterval(KafkaTestKit.ConsumerGroupHeartbeat);
            if (beforeNodes is not null)
            {
                await beforeNodes(kafka);
            }

            var cluster = new Cluster(kafka);
            var registry = RecurringNode.Registry(cluster.Runs);
            for (var i = 1; i <= instances; i++)
            {
                cluster.Nodes.Add(await RecurringNode.StartAsync(kafka.BootstrapServers, $"app-{i}", registry, o =>
                {
                    o.Recurring.GroupProtocol = ConsumerGroupProtocol.Consumer;
                    configure?.Invoke(o);
                }));
            }

            return cluster;
        }

        public Task RunningAsync() => KafkaTestKit.EventuallyAsync(() => Nodes.Any(n => n.Status.IsOwner) && Runs.Count >= 2, "an owner running", TimeSpan.FromSeconds(60));

        /// <summary>Three runs fired after <paramref name="since"/>: the schedule moves on.</summary>
        public Task ResumedAfterAsync(DateTimeOffset since)
            => KafkaTestKit.EventuallyAsync(() => Runs.Count(r => r.FiredAt >= since) >= 3, "the task running again", TimeSpan.FromSeconds(90));

        /// <summary>No occurrence started twice, by what the task saw and by the logs topic.</summary>
        public void AssertNoOccurrenceTwice()
        {
            var runs = Runs.ToList();
            Assert.Equal(runs.Count, runs.Select(r => r.Occurrence).Distinct().Count());
            var started = KafkaTestKit.ReadLogs(Kafka.BootstrapServers)
                .Where(l => l.Outcome is ScheduledRunOutcome.Succeeded or ScheduledRunOutcome.Failed or ScheduledRunOutcome.TimedOut)
                .ToList();
            Assert.Equal(started.Count, started.Select(l => (l.Task, l.Occurrence)).Distinct().Count());
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var node in Nodes)
            {
                await node.DisposeAsync();
            }

            Kafka.Dispose();
        }
    }
}
