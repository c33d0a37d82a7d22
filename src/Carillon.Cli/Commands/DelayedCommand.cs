using System.CommandLine;
using System.Text;

namespace Carillon.Cli.Commands;

/// <summary><c>carillon delayed schedule|cancel</c>: the publisher API from the shell.</summary>
internal static class DelayedCommand
{
    public static Command Create()
    {
        var target = new Option<string>("--target-topic") { Description = "Topic the message is delivered to", Required = true };
        var targetKey = new Option<string?>("--target-key") { Description = "Key of the delivered message (default: none)" };
        var value = new Option<string>("--value") { Description = "Message value (UTF-8)", Required = true };
        var at = new Option<DateTimeOffset?>("--at") { Description = "Delivery time, ISO 8601" };
        var after = new Option<TimeSpan?>("--in") { Description = "Delivery delay from now, e.g. 00:05:00" };
        var key = new Option<string?>("--key") { Description = "Schedule key (default: generated); the same key replaces" };
        var schedule = new Command("schedule", "Schedule a message; prints its schedule key")
        {
            target, targetKey, value, at, after, key,
        };
        CliAction.Set(schedule, async (options, parse, cancellationToken) =>
        {
            var deliverAt = parse.GetValue(at) ?? DateTimeOffset.UtcNow + (parse.GetValue(after) ?? TimeSpan.Zero);
            using var deadline = CliAction.Deadline(parse, cancellationToken);
            using var publisher = Open(options);
            var targetKeyValue = parse.GetValue(targetKey);
            var scheduleKey = await publisher.Value.ScheduleAsync(
                parse.GetValue(target)!,
                targetKeyValue is null ? null : Encoding.UTF8.GetBytes(targetKeyValue),
                Encoding.UTF8.GetBytes(parse.GetValue(value)!),
                headers: null,
                deliverAt,
                parse.GetValue(key),
                deadline.Token);
            Console.Out.WriteLine(scheduleKey);
            return CliExitCodes.Ok;
        });

        var cancelKey = new Argument<string>("schedule-key");
        var cancel = new Command("cancel", "Cancel a scheduled message") { cancelKey };
        CliAction.Set(cancel, async (options, parse, cancellationToken) =>
        {
            using var deadline = CliAction.Deadline(parse, cancellationToken);
            using var publisher = Open(options);
            await publisher.Value.CancelAsync(parse.GetValue(cancelKey)!, deadline.Token);
            Console.Out.WriteLine($"cancelled {parse.GetValue(cancelKey)}");
            return CliExitCodes.Ok;
        });

        return new Command("delayed", "Delayed messages") { schedule, cancel, DelayedListing.Stats(), DelayedListing.DeadLetters() };
    }

    private static Publisher Open(CarillonOptions options)
    {
        options.ProvisionTopics = false;
        return new Publisher(CarillonStandalone.CreateDelayedPublisher(options, CliClients.Loggers));
    }

    /// <summary>The publisher and its disposal (it flushes and closes its producer).</summary>
    private readonly record struct Publisher(IDelayedMessagePublisher Value) : IDisposable
    {
        public void Dispose() => (Value as IDisposable)?.Dispose();
    }
}
