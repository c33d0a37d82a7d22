using Carillon;
using Microsoft.Extensions.Logging;

namespace Carillon.Sample.Orders;

/// <summary>
/// An exclusive task (one instance cluster-wide runs each occurrence) that schedules delayed messages: every 15
/// seconds it finds "abandoned carts" and asks for a reminder to be delivered 5 seconds later.
/// </summary>
public sealed class CartReminderService(IDelayedMessagePublisher publisher, TimeProvider time, ILogger<CartReminderService> logger)
{
    [ScheduledAction("*/15 * * * * *", Id = "orders.cart-reminders", Timeout = 10)]
    public async Task ScheduleReminders(ScheduledActionContext context, CancellationToken cancellationToken)
    {
        var cartId = $"cart-{context.Occurrence:HHmmss}";
        var deliverAt = time.GetUtcNow().AddSeconds(5);

        // The cart ID is the schedule key: scheduling the same cart again replaces its pending reminder.
        await publisher.PublishDelayedAsync(new CartReminder(cartId, context.Occurrence), deliverAt, scheduleKey: cartId, cancellationToken);
        logger.LogInformation("Scheduled a reminder for {CartId} at {DeliverAt:HH:mm:ss.fff} (run started {Lateness:F1} ms after its occurrence)", cartId, deliverAt, context.Lateness.TotalMilliseconds);
    }
}
