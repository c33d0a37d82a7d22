using Carillon;

namespace Carillon.Sample.Orders;

/// <summary>A delayed message: the attribute names the topic it is delivered to when it comes due.</summary>
[DelayedTopic(Topic)]
public sealed record CartReminder(string CartId, DateTimeOffset AbandonedAt)
{
    public const string Topic = "cart-reminders";
}
