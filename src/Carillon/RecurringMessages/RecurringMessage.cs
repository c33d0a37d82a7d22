namespace Carillon;

/// <summary>A recurring message as read back from its topic: its definition and the state its owners recorded.</summary>
public sealed class RecurringMessage
{
    /// <summary>The schedule's name (the task-ID rule: 1 to 200 of letters, digits, '_', '.', '-').</summary>
    public required string Name { get; init; }

    /// <summary>The cron expression (5 fields, 6 with seconds first, or a macro).</summary>
    public required string Cron { get; init; }

    /// <summary>The topic each occurrence is produced to.</summary>
    public required string TargetTopic { get; init; }

    /// <summary>The key of the produced record, or null.</summary>
    public byte[]? Key { get; init; }

    /// <summary>The value of the produced record, or null.</summary>
    public byte[]? Value { get; init; }

    /// <summary>The headers of the produced record (Carillon adds its trace headers).</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Headers { get; init; } = [];

    /// <summary>The time-zone ID, or null for UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Whether the schedule fires (after every enable and disable command).</summary>
    public bool Enabled { get; init; }

    /// <summary>The misfire policy.</summary>
    public MisfirePolicy MisfirePolicy { get; init; }

    /// <summary>No occurrence before this instant fires; null for none.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>No occurrence after this instant fires; null for none.</summary>
    public DateTimeOffset? EndAt { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }

    /// <summary>The latest occurrence an owner claimed (and produced), or null.</summary>
    public DateTimeOffset? LastOccurrence { get; init; }

    /// <summary>The next occurrence the schedule would fire at (null when disabled or past its end), as of the read.</summary>
    public DateTimeOffset? NextOccurrence { get; init; }
}
