using Carillon.Kafka.Transactions;
using Carillon.Testing;
using Confluent.Kafka;

namespace Carillon.Kafka.Tests.Delayed;

/// <summary>
/// Issue 14 (docs/benchmarks-delayed.md, "The 1 KiB stall"): a commit that outlasts its call timeout is still in
/// progress inside librdkafka, and only calling <c>CommitTransaction</c> again resumes it; an abort is refused
/// ("Conflicting commit_transaction API call is already in progress"). A slow commit must therefore be resumed, not
/// turned into a broken producer (which made the dispatcher rebuild the producer and reload the partition). The
/// coordinator here answers EndTxn with a retriable error many times over, so that the commit takes longer than two
/// calls of the producer's timeout and fewer than the calls it is given.
/// </summary>
public sealed class SlowCommitTests
{
    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_commit_that_outlasts_two_call_timeouts_is_resumed_and_commits_once()
    {
        using var kit = new DelayedTestKit("slow-commit");
        using var producer = Create(kit, commitCalls: 8);

        // Each EndTxn retry waits retry.backoff.ms (1 s here, jittered by at most a fifth): 14 refusals keep the
        // commit going for at least 11 s, more than the 10 s of two calls.
        kit.Kafka.InjectRequestErrors(KafkaApiKey.EndTxn, Enumerable.Repeat(ErrorCode.ConcurrentTransactions, 14).ToArray());
        var outcome = producer.Execute(p => p.Produce("slow-commit", new Message<byte[]?, byte[]?> { Value = "slow"u8.ToArray() }));

        Assert.Equal(TransactionOutcome.Committed, outcome);
        var read = kit.ReadUntil("slow-commit", r => r.Count > 0, TimeSpan.FromSeconds(120));
        Assert.Equal(["slow"], read.Select(r => DelayedTestKit.Text(r.Message.Value)));
        Assert.True(producer.Usable);
    }

    [Fact]
    public void A_commit_that_outlasts_all_its_calls_breaks_the_producer_with_the_commits_own_error()
    {
        using var kit = new DelayedTestKit("stuck-commit");
        using var producer = Create(kit, commitCalls: 1);
        kit.Kafka.InjectRequestErrors(KafkaApiKey.EndTxn, Enumerable.Repeat(ErrorCode.ConcurrentTransactions, 30).ToArray());

        var outcome = producer.Execute(p => p.Produce("stuck-commit", new Message<byte[]?, byte[]?> { Value = "stuck"u8.ToArray() }));
        kit.Kafka.ClearRequestErrors(KafkaApiKey.EndTxn);

        Assert.Equal(TransactionOutcome.Broken, outcome);
        Assert.False(producer.Usable);
        Assert.DoesNotContain("Conflicting", producer.LastError?.Reason, StringComparison.Ordinal);
    }

    private static TransactionalProducer Create(DelayedTestKit kit, int commitCalls)
        => TransactionalProducer.Create(
            new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
            {
                BootstrapServers = kit.Kafka.BootstrapServers,
                TransactionalId = $"slow-commit-{commitCalls}",
                RetryBackoffMs = 1_000,
                RetryBackoffMaxMs = 1_000,
            }),
            s_callTimeout,
            commitCalls);
}
