namespace Carillon.Recurring.Health;

/// <summary>What this instance knows about its part in the schedule; read by the health check and tests.</summary>
internal sealed class RecurringStatus
{
    private readonly object _gate = new();
    private string? _lastKafkaError;
    private DateTimeOffset? _lastKafkaErrorAt;

    /// <summary>True while this instance is the replayed, running owner of the schedule.</summary>
    public bool IsOwner { get; private set; }

    public DateTimeOffset? OwnerSince { get; private set; }

    /// <summary>Set when this instance found a newer stored schedule version and left the group.</summary>
    public string? VersionConflict { get; private set; }

    public int Terms { get; private set; }

    public (string? Reason, DateTimeOffset? At) LastKafkaError
    {
        get { lock (_gate) { return (_lastKafkaError, _lastKafkaErrorAt); } }
    }

    public void BecameOwner(DateTimeOffset at)
    {
        lock (_gate)
        {
            IsOwner = true;
            OwnerSince = at;
            Terms++;
        }
    }

    /// <summary>How many times a running ownership ended, and why the last one did.</summary>
    public int Losses { get; private set; }

    public string? LastLossReason { get; private set; }

    public void LostOwnership(string reason)
    {
        lock (_gate)
        {
            if (IsOwner)
            {
                Losses++;
                LastLossReason = reason;
            }

            IsOwner = false;
            OwnerSince = null;
        }
    }

    public void Conflict(string message)
    {
        lock (_gate)
        {
            VersionConflict = message;
            IsOwner = false;
        }
    }

    public void KafkaError(string reason, DateTimeOffset at)
    {
        lock (_gate)
        {
            _lastKafkaError = reason;
            _lastKafkaErrorAt = at;
        }
    }
}
