using Carillon.Kafka;

namespace Carillon.Tests.Kafka;

public sealed class BoundedCallTests
{
    private static readonly TimeSpan s_generous = TimeSpan.FromSeconds(60);

    [Fact]
    public void Calls_that_return_in_time_run_on_one_reused_thread_not_the_callers()
    {
        using var calls = new BoundedCall("test-calls");
        var threads = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(calls.Run(() => threads.Add(Environment.CurrentManagedThreadId), s_generous));
        }

        Assert.Single(threads.Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads[0]);
    }

    [Fact]
    public void The_calls_exception_is_rethrown_to_the_caller_and_the_thread_stays_usable()
    {
        using var calls = new BoundedCall("test-calls");
        var thrown = Assert.Throws<InvalidOperationException>(() => calls.Run(() => throw new InvalidOperationException("refused"), s_generous));
        Assert.Equal("refused", thrown.Message);

        var ran = false;
        Assert.True(calls.Run(() => ran = true, s_generous));
        Assert.True(ran);
    }

    [Fact]
    public void An_overrunning_call_is_abandoned_its_cleanup_runs_when_it_returns_and_the_next_call_gets_a_new_thread()
    {
        using var calls = new BoundedCall("test-calls");
        using var release = new ManualResetEventSlim();
        using var cleanedUp = new ManualResetEventSlim();
        var stuckThread = 0;

        var finished = calls.Run(
            () =>
            {
                stuckThread = Environment.CurrentManagedThreadId;
                release.Wait(s_generous);
            },
            TimeSpan.FromMilliseconds(50),
            cleanedUp.Set);

        Assert.False(finished);
        Assert.False(cleanedUp.IsSet);

        var nextThread = 0;
        Assert.True(calls.Run(() => nextThread = Environment.CurrentManagedThreadId, s_generous));
        Assert.NotEqual(stuckThread, nextThread);

        release.Set();
        Assert.True(cleanedUp.Wait(s_generous));
    }
}
