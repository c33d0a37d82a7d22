using Carillon.Delayed.Envelope;
using Carillon.Kafka;

namespace Carillon.Delayed.Dispatching;

/// <summary>
/// Which topics a delayed record may target. Carillon's own topics (every one <see cref="CarillonTopics.All"/> names:
/// the delayed topic, its dead-letter and history topics, the schedules and logs topics, the recurring-messages
/// definitions and dead letters) never are: whoever may write to the delayed topic could otherwise steer recurring
/// tasks or run-time schedules, or forge dispatches (issues 8, 11). An optional allow-list narrows the rest.
/// </summary>
internal sealed class TargetTopicPolicy
{
    private readonly HashSet<string> _reserved;
    private readonly HashSet<string>? _allowed;

    public TargetTopicPolicy(IEnumerable<string> reserved, IEnumerable<string>? allowed = null)
    {
        _reserved = new HashSet<string>(reserved.Where(t => !string.IsNullOrEmpty(t)), StringComparer.Ordinal);
        var allowList = allowed?.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        _allowed = allowList is { Count: > 0 } ? new HashSet<string>(allowList, StringComparer.Ordinal) : null;
    }

    /// <summary>Any topic but none of Carillon's own (for tests and tools).</summary>
    public static TargetTopicPolicy Unrestricted { get; } = new([]);

    public static TargetTopicPolicy For(CarillonOptions options) => new(
        CarillonTopics.All(options).Select(t => t.Name),
        options.Delayed.AllowedTargetTopics);

    /// <summary><see cref="InvalidReason.None"/> when <paramref name="topic"/> may be dispatched to.</summary>
    public InvalidReason Check(string topic)
        => _reserved.Contains(topic) ? InvalidReason.TargetTopicReserved
            : _allowed is not null && !_allowed.Contains(topic) ? InvalidReason.TargetTopicNotAllowed
            : InvalidReason.None;
}
