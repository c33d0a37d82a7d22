namespace Carillon;

/// <summary>
/// Names the target topic of a message type for <see cref="IDelayedMessagePublisher.PublishDelayedAsync{T}(T, DateTimeOffset, string?, CancellationToken)"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class DelayedTopicAttribute(string topic) : Attribute
{
    /// <summary>The Kafka topic the message is delivered to.</summary>
    public string Topic { get; } = topic;
}
