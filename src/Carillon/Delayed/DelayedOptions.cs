namespace Carillon;

/// <summary>Delayed-message settings (<c>Carillon:Delayed</c>).</summary>
public sealed class DelayedOptions
{
    /// <summary>Whether the dispatcher runs in this instance (the publisher is always available). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Topic holding scheduled messages.</summary>
    public string Topic { get; set; } = "carillon_delayed";

    /// <summary>Consumer group of the dispatchers.</summary>
    public string Group { get; set; } = "carillon_delayed";

    /// <summary>Partitions of the delayed topic when Carillon creates it.</summary>
    public int Partitions { get; set; } = 6;

    /// <summary>Dead-letter topic for invalid or too-late records.</summary>
    public string DeadLetterTopic { get; set; } = "carillon_delayed_dlq";

    /// <summary>Optional history topic receiving a record per dispatch; null (the default) disables it.</summary>
    public string? HistoryTopic { get; set; }

    /// <summary>Only records due within this horizon are held in memory; the partition is re-scanned as it moves.</summary>
    public TimeSpan LoadHorizon { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Records later than this past their due time go to the dead-letter topic; null (the default): none.</summary>
    public TimeSpan? MaxLateness { get; set; }

    /// <summary>
    /// Records due further ahead than this (from when the dispatcher reads them) go to the dead-letter topic
    /// (<c>deliver-at-out-of-range</c>): a due time in year 9999 is a mistake or an attack, not a schedule. Default 10 years.
    /// </summary>
    public TimeSpan MaxDeliverAhead { get; set; } = TimeSpan.FromDays(3653);

    /// <summary>
    /// When not empty, the only topics the dispatcher delivers to; records for any other topic go to the dead-letter
    /// topic (<c>target-topic-not-allowed</c>). Carillon's own topics are never a target, whatever this says.
    /// </summary>
    public IList<string> AllowedTargetTopics { get; set; } = [];
}
