namespace Carillon;

/// <summary>How a recurring message is scheduled: everything but its cron expression and the record it produces.</summary>
public sealed class RecurringMessageOptions
{
    /// <summary>IANA or Windows time-zone ID the cron expression is read in; null or <c>UTC</c> for UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Whether the schedule fires. A disabled schedule keeps its definition and can still be triggered. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>What happens to occurrences missed while no instance owned the schedule. Default <see cref="MisfirePolicy.RunOnce"/>.</summary>
    public MisfirePolicy MisfirePolicy { get; set; } = MisfirePolicy.RunOnce;

    /// <summary>No occurrence before this instant fires; null for none.</summary>
    public DateTimeOffset? StartAt { get; set; }

    /// <summary>No occurrence after this instant fires; null for none.</summary>
    public DateTimeOffset? EndAt { get; set; }

    /// <summary>Free text shown by the CLI and views.</summary>
    public string? Description { get; set; }
}
