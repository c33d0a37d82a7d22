namespace Carillon.Kafka;

/// <summary>The topics Carillon uses, with the partition counts it needs them to have.</summary>
internal static class CarillonTopics
{
    public static IReadOnlyList<(string Name, int Partitions)> All(CarillonOptions options)
    {
        var topics = new List<(string, int)>
        {
            // One partition: its owner is the executor, and its order is the order commands are applied in.
            (options.Recurring.Topic, 1),
            (options.Recurring.LogsTopic, 1),
            (options.Delayed.Topic, options.Delayed.Partitions),
            (options.Delayed.DeadLetterTopic, 1),

            // Several partitions: each has one owner, so more partitions spread run-time schedules over more instances.
            (options.RecurringMessages.Topic, options.RecurringMessages.Partitions),
            (options.RecurringMessages.DeadLetterTopic, 1),
        };
        if (options.Delayed.HistoryTopic is { Length: > 0 } history)
        {
            topics.Add((history, 1));
        }

        return topics;
    }
}
