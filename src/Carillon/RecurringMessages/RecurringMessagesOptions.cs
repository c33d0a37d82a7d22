namespace Carillon;

/// <summary>
/// Run-time recurring messages (<c>Carillon:RecurringMessages</c>, issue 11; docs/recurring-messages.md): schedules
/// defined while the system runs, held in a partitioned topic whose partitions each have one owner.
/// </summary>
public sealed class RecurringMessagesOptions
{
    /// <summary>Whether this instance takes part in owning and firing the schedules (the API is always available). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Topic holding the definitions, commands and claims.</summary>
    public string Topic { get; set; } = "carillon_recurring";

    /// <summary>Consumer group of the owners: each partition of <see cref="Topic"/> has one owner in it at a time.</summary>
    public string Group { get; set; } = "carillon_recurring";

    /// <summary>
    /// Where an occurrence goes when its target topic does not exist on the cluster: the record it would have produced,
    /// with <c>carillon-dlq-reason: target-topic-unknown</c> and <c>carillon-target-topic</c>, claimed in the same
    /// transaction (docs/recurring-messages.md, "Target topics"). Created with the other topics. Default <c>carillon_recurring_dlq</c>.
    /// </summary>
    public string DeadLetterTopic { get; set; } = "carillon_recurring_dlq";

    /// <summary>Partitions of <see cref="Topic"/> when Carillon creates it: more partitions spread the schedules over more instances.</summary>
    public int Partitions { get; set; } = 6;

    /// <summary>
    /// An occurrence fired later than this past its time counts as missed and follows the schedule's
    /// <see cref="MisfirePolicy"/> (after downtime or a takeover). Default 5 s.
    /// </summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(5);
}
