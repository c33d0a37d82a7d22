using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.Sample.Orders;

/// <summary>
/// Stands in for the service that would send the reminder e-mail: a plain read_committed Kafka consumer of the
/// target topic, which sees each delayed message once, when it comes due.
/// </summary>
public sealed class CartReminderListener(IOptions<CarillonOptions> options, ILogger<CartReminderListener> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Factory.StartNew(() => Listen(stoppingToken), TaskCreationOptions.LongRunning);

    private void Listen(CancellationToken stoppingToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.Value.BootstrapServers,
            GroupId = "sample-cart-reminder-listener",
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            AllowAutoCreateTopics = true,
            FetchWaitMaxMs = 50,
            TopicMetadataRefreshIntervalMs = 1000,
        };
        using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
        consumer.Subscribe(CartReminder.Topic);
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
