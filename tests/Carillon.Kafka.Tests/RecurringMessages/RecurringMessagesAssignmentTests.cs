using Carillon.Kafka.Tests.Health;

namespace Carillon.Kafka.Tests.RecurringMessages;

/// <summary>
/// The recurring-messages group assigns cooperatively (issue 11): an instance joining takes only the partitions that
/// move to it; the others stay with their owner, which keeps its fenced producer and what it loaded. Observed through
/// the owners' documented partition events (5001 assigned, 5002 loaded, 5003 released).
/// </summary>
public sealed class RecurringMessagesAssignmentTests
{
    [Fact]
    public async Task An_instance_joining_takes_partitions_without_the_first_owner_reloading_those_it_keeps()
    {
        using var kit = new RecurringMessagesKit();
        var first = new CapturingLoggerProvider();
        using var a = await kit.StartHostAsync(logs: first);
        await EventuallyAsync(() => Count(first, "loaded") == RecurringMessagesKit.Partitions);

        var second = new CapturingLoggerProvider();
        using var b = await kit.StartHostAsync(logs: second);
        await EventuallyAsync(() => Count(second, "loaded") >= 1 && Count(first, "released") == Count(second, "loaded"));

        // Eager assignment would have revoked all three from the first instance and assigned it the others again.
        Assert.Equal(RecurringMessagesKit.Partitions, Count(first, "assigned"));
        await b.StopAsync();
        await a.StopAsync();
    }

    private static int Count(CapturingLoggerProvider logs, string what)
        => logs.Lines.Count(l => l.Message.StartsWith("Recurring-messages partition ", StringComparison.Ordinal) && l.Message.Contains($" {what}", StringComparison.Ordinal));

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the owners' partition events did not reach the expected counts in 120 s");
            await Task.Delay(100);
        }
    }
}
