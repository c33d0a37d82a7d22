using System.Globalization;
using Carillon.Delayed.Envelope;
using Microsoft.Extensions.Options;

namespace Carillon.Hosting;

/// <summary>
/// Checks <see cref="CarillonOptions"/> when the host starts (<c>ValidateOnStart</c>): a bad value stops the host with one
/// message naming its configuration key, the value and the rule, instead of reaching librdkafka unchecked or silently
/// disabling a feature (issue 9 §2: <c>Carillon:Delayed:Partitions=0</c> left the dispatcher without a partition; a
/// negative <c>Carillon:SessionTimeout</c> failed inside librdkafka with exit code 0). The rules are listed in
/// docs/configuration.md.
/// </summary>
internal sealed class CarillonOptionsValidator : IValidateOptions<CarillonOptions>
{
    private const string Root = CarillonOptions.SectionName;
    private const string Recurring = Root + ":Recurring";
    private const string Delayed = Root + ":Delayed";
    private const string RecurringMessages = Root + ":RecurringMessages";

    // librdkafka's range of session.timeout.ms.
    private static readonly TimeSpan s_minSession = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxSession = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, CarillonOptions options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>One message per bad value, each naming the key, the value and the rule.</summary>
    public static IReadOnlyList<string> Check(CarillonOptions options)
    {
        var failures = new List<string>();
        void Fail(string key, object? value, string rule) => failures.Add($"{key} = {Show(value)} is invalid: {rule}.");

        CheckRoot(options, Fail);
        CheckRecurring(options.Recurring, options.SessionTimeout, Fail);
        CheckDelayed(options.Delayed, Fail);
        CheckRecurringMessages(options.RecurringMessages, Fail);
        CheckDistinct(options, Fail);
        return failures;
    }

    private static void CheckRoot(CarillonOptions options, Action<string, object?, string> fail)
    {
        if (options.BootstrapServers is { } servers && !string.IsNullOrWhiteSpace(servers)
            && servers.Split(',').Any(s => string.IsNullOrWhiteSpace(s)))
        {
            fail($"{Root}:BootstrapServers", servers, "must be a comma-separated list of host:port with no empty entry (leave it unset for the embedded development broker)");
        }

        if (string.IsNullOrWhiteSpace(options.InstanceId))
        {
            fail($"{Root}:InstanceId", options.InstanceId, "must not be empty");
        }

        foreach (var (key, value) in options.Kafka)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                fail($"{Root}:Kafka:{key}", value, "a librdkafka property name must not be empty");
            }
            else if (value is null)
            {
                fail($"{Root}:Kafka:{key}", value, "must have a value");
            }
        }

        if (options.SessionTimeout < s_minSession || options.SessionTimeout > s_maxSession)
        {
            fail($"{Root}:SessionTimeout", options.SessionTimeout, $"must be between {s_minSession:c} and {s_maxSession:c} (librdkafka's session.timeout.ms range)");
        }

        if (!Enum.IsDefined(options.GroupProtocol))
        {
            fail($"{Root}:GroupProtocol", options.GroupProtocol, "must be Auto, Consumer or Classic");
        }

        if (options.ReplicationFactor < 1)
        {
            fail($"{Root}:ReplicationFactor", options.ReplicationFactor, "must be at least 1");
        }

        if (options.Recurring is null)
        {
            fail(Recurring, null, "must not be null");
        }

        if (options.Delayed is null)
        {
            fail(Delayed, null, "must not be null");
        }

        if (options.RecurringMessages is null)
        {
            fail(RecurringMessages, null, "must not be null");
        }
    }

    private static void CheckRecurring(RecurringOptions? recurring, TimeSpan session, Action<string, object?, string> fail)
    {
        if (recurring is null)
        {
            return;
        }

        Topic($"{Recurring}:Topic", recurring.Topic, fail);
        Topic($"{Recurring}:LogsTopic", recurring.LogsTopic, fail);
        Group($"{Recurring}:Group", recurring.Group, fail);
        if (recurring.ClaimLead < TimeSpan.Zero)
        {
            fail($"{Recurring}:ClaimLead", recurring.ClaimLead, "must not be negative");
        }

        if (recurring.SnapshotEveryRecords < 1)
        {
            fail($"{Recurring}:SnapshotEveryRecords", recurring.SnapshotEveryRecords, "must be at least 1");
        }

        Positive($"{Recurring}:SnapshotInterval", recurring.SnapshotInterval, fail);
        if (recurring.ShutdownGracePeriod < TimeSpan.Zero)
        {
            fail($"{Recurring}:ShutdownGracePeriod", recurring.ShutdownGracePeriod, "must not be negative");
        }

        // librdkafka refuses a heartbeat interval that is not below the session timeout.
        if (recurring.HeartbeatInterval is { } heartbeat && (heartbeat <= TimeSpan.Zero || heartbeat >= session))
        {
            fail($"{Recurring}:HeartbeatInterval", heartbeat, $"must be positive and less than {Root}:SessionTimeout ({session:c}), or unset");
        }

        if (!Enum.IsDefined(recurring.GroupProtocol))
        {
            fail($"{Recurring}:GroupProtocol", recurring.GroupProtocol, "must be Auto, Consumer or Classic");
        }
    }

    private static void CheckDelayed(DelayedOptions? delayed, Action<string, object?, string> fail)
    {
        if (delayed is null)
        {
            return;
        }

        Topic($"{Delayed}:Topic", delayed.Topic, fail);
        Topic($"{Delayed}:DeadLetterTopic", delayed.DeadLetterTopic, fail);
        if (!string.IsNullOrEmpty(delayed.HistoryTopic))
        {
            Topic($"{Delayed}:HistoryTopic", delayed.HistoryTopic, fail);
        }

        Group($"{Delayed}:Group", delayed.Group, fail);
        if (delayed.Partitions < 1)
        {
            fail($"{Delayed}:Partitions", delayed.Partitions, "must be at least 1");
        }

        Positive($"{Delayed}:LoadHorizon", delayed.LoadHorizon, fail);
        if (delayed.MaxLateness is { } lateness)
        {
            Positive($"{Delayed}:MaxLateness", lateness, fail);
        }

        Positive($"{Delayed}:MaxDeliverAhead", delayed.MaxDeliverAhead, fail);
        var allowed = delayed.AllowedTargetTopics ?? [];
        for (var i = 0; i < allowed.Count; i++)
        {
            Topic($"{Delayed}:AllowedTargetTopics:{i}", allowed[i], fail);
        }
    }

    private static void CheckRecurringMessages(RecurringMessagesOptions? messages, Action<string, object?, string> fail)
    {
        if (messages is null)
        {
            return;
        }

        Topic($"{RecurringMessages}:Topic", messages.Topic, fail);
        Topic($"{RecurringMessages}:DeadLetterTopic", messages.DeadLetterTopic, fail);
        Group($"{RecurringMessages}:Group", messages.Group, fail);
        if (messages.Partitions < 1)
        {
            fail($"{RecurringMessages}:Partitions", messages.Partitions, "must be at least 1");
        }

        Positive($"{RecurringMessages}:MisfireThreshold", messages.MisfireThreshold, fail);
    }

    /// <summary>Each of Carillon's topics holds one kind of record, and each group consumes one topic.</summary>
    private static void CheckDistinct(CarillonOptions options, Action<string, object?, string> fail)
    {
        if (options.Recurring is null || options.Delayed is null || options.RecurringMessages is null)
        {
            return;
        }

        var topics = new List<(string Key, string? Name)>
        {
            ($"{Recurring}:Topic", options.Recurring.Topic),
            ($"{Recurring}:LogsTopic", options.Recurring.LogsTopic),
            ($"{Delayed}:Topic", options.Delayed.Topic),
            ($"{Delayed}:DeadLetterTopic", options.Delayed.DeadLetterTopic),
            ($"{Delayed}:HistoryTopic", options.Delayed.HistoryTopic),
            ($"{RecurringMessages}:Topic", options.RecurringMessages.Topic),
            ($"{RecurringMessages}:DeadLetterTopic", options.RecurringMessages.DeadLetterTopic),
        };
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, name) in topics.Where(t => !string.IsNullOrEmpty(t.Name)))
        {
            if (!seen.TryAdd(name!, key))
            {
                fail(key, name, $"must differ from {seen[name!]} (each Carillon topic holds one kind of record)");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.Recurring.Group) && options.Recurring.Group == options.Delayed.Group)
        {
            fail($"{Delayed}:Group", options.Delayed.Group, $"must differ from {Recurring}:Group (each group consumes one topic)");
        }

        var groups = new[] { ($"{Recurring}:Group", options.Recurring.Group), ($"{Delayed}:Group", options.Delayed.Group) };
        foreach (var (key, group) in groups)
        {
            if (!string.IsNullOrWhiteSpace(group) && group == options.RecurringMessages.Group)
            {
                fail($"{RecurringMessages}:Group", options.RecurringMessages.Group, $"must differ from {key} (each group consumes one topic)");
            }
        }
    }

    private static void Topic(string key, string? name, Action<string, object?, string> fail)
    {
        if (name is null || !TopicNames.IsValid(name))
        {
            fail(key, name, $"must be a Kafka topic name: 1 to {TopicNames.MaxLength} of a-z A-Z 0-9 . _ -, not '.' or '..'");
        }
    }

    private static void Group(string key, string? name, Action<string, object?, string> fail)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            fail(key, name, "must not be empty");
        }
    }

    private static void Positive(string key, TimeSpan value, Action<string, object?, string> fail)
    {
        if (value <= TimeSpan.Zero)
        {
            fail(key, value, "must be positive");
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "(null)",
        TimeSpan span => $"'{span.ToString("c", CultureInfo.InvariantCulture)}'",
        IFormattable formattable => $"'{formattable.ToString(null, CultureInfo.InvariantCulture)}'",
        _ => $"'{value}'",
    };
}
