using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.Sample.Orders;

/// <summary>
/// Stands in for the service that would send the reminder e-mail: a plain read_committed Kafka consumer of the
/// target topic, which sees each delayed message once, when it comes due. It assigns itself every partition instead of
/// joining a consumer group: a group join can take a whole session timeout (seconds) before the first record, and the
/// sample's first reminders then arrived late in one burst.
/// </summary>
public sealed class CartReminderListener(IOptions<CarillonOptions> options, ILogger<CartReminderListener> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Factory.StartNew(() => Listen(stoppingToken), TaskCreationOptions.LongRunning);

    private void Listen(CancellationToken stoppingToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.Value.BootstrapServers,
            GroupId = "sample-cart-reminder-listener", // no group is joined; librdkafka wants the setting all the same
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 50,
        };
        using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = options.Value.BootstrapServers, AllowAutoCreateTopics = true }).Build())
        {
            // Asking for the topic's metadata creates it on a cluster that auto-creates topics (the embedded one does).
            var partitions = admin.GetMetadata(CartReminder.Topic, TimeSpan.FromSeconds(30)).Topics.Single().Partitions;
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(CartReminder.Topic, p.PartitionId, Offset.End)));
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<string?, byte[]> result;
                try
                {
                    result = consumer.Consume(stoppingToken);
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    // The topic appears with the first delivered reminder; until then the broker says it is unknown.
                    continue;
                }

                var reminder = JsonSerializer.Deserialize<CartReminder>(result.Message.Value, JsonSerializerOptions.Web);
                logger.LogInformation("Reminder delivered for {CartId} at {Now:HH:mm:ss.fff}", reminder?.CartId, DateTimeOffset.UtcNow);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            consumer.Close();
        }
    }
}
