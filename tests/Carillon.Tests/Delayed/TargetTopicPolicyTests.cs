using Carillon.Delayed.Dispatching;
using Carillon.Delayed.Envelope;

namespace Carillon.Tests.Delayed;

public sealed class TargetTopicPolicyTests
{
    [Theory]
    [InlineData("carillon_schedules")]
    [InlineData("carillon_logs")]
    [InlineData("carillon_delayed")]
    [InlineData("carillon_delayed_dlq")]
    [InlineData("carillon_recurring")]
    [InlineData("carillon_recurring_dlq")]
    public void Every_carillon_topic_is_reserved_from_delayed_targets(string topic)
    {
        var options = new CarillonOptions();

        var policy = TargetTopicPolicy.For(options);

        Assert.Equal(InvalidReason.TargetTopicReserved, policy.Check(topic));
    }

    [Fact]
    public void Renamed_recurring_messages_topics_are_reserved_under_their_configured_names()
    {
        var options = new CarillonOptions();
        options.RecurringMessages.Topic = "tenant_schedules";
        options.RecurringMessages.DeadLetterTopic = "tenant_schedules_dlq";

        var policy = TargetTopicPolicy.For(options);

        Assert.Equal(InvalidReason.TargetTopicReserved, policy.Check("tenant_schedules"));
        Assert.Equal(InvalidReason.TargetTopicReserved, policy.Check("tenant_schedules_dlq"));
        Assert.Equal(InvalidReason.None, policy.Check("carillon_recurring"));
    }

    [Fact]
    public void An_application_topic_is_a_valid_target()
    {
        Assert.Equal(InvalidReason.None, TargetTopicPolicy.For(new CarillonOptions()).Check("orders"));
    }
}
