namespace Carillon.Recurring.State;

/// <summary>What the owner knows about one task. Mutated only under the engine's lock (or by the single-threaded replay).</summary>
internal sealed class TaskState(string id)
{
    public string Id { get; } = id;

    /// <summary>Null until a snapshot or command set it: the attribute's <c>Enabled</c> then applies.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The task version stored by the newest owner so far (empty: unknown).</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>The latest cron occurrence handled (claimed or skipped): nothing at or before it is run again.</summary>
    public DateTimeOffset? LastOccurrence { get; set; }

    public ScheduledRunOutcome? LastOutcome { get; set; }

    /// <summary>Claims without an outcome, by run ID.</summary>
    public Dictionary<string, OpenRun> OpenRuns { get; } = new(StringComparer.Ordinal);

    /// <summary>The next attempt of a failed occurrence, not yet claimed (issue 13); null when none.</summary>
    public PendingRetry? PendingRetry { get; set; }

    public TaskSnapshot ToSnapshot(bool defaultEnabled) =>
        new(Id, Enabled ?? defaultEnabled, Version, LastOccurrence, LastOutcome, OpenRuns.Values.OrderBy(r => r.Occurrence).ToArray(), PendingRetry);
}

/// <summary>The schedule's state as rebuilt from the schedules topic and kept current by the owner.</summary>
internal sealed class ScheduleState
{
    public Dictionary<string, TaskState> Tasks { get; } = new(StringComparer.Ordinal);

    /// <summary>The newest schedule version any owner wrote (null: none seen).</summary>
    public string? ScheduleVersion { get; set; }

    /// <summary>Offset of the last schedules record reflected in this state.</summary>
    public long AppliedThrough { get; set; } = -1;

    /// <summary>Trigger commands applied but not yet claimed, in order.</summary>
    public List<PendingTrigger> PendingTriggers { get; } = [];

    public TaskState GetOrAdd(string id)
    {
        if (!Tasks.TryGetValue(id, out var task))
        {
            task = new TaskState(id);
            Tasks.Add(id, task);
        }

        return task;
    }

    public static ScheduleState FromSnapshot(SnapshotRecord snapshot)
    {
        var state = new ScheduleState { ScheduleVersion = snapshot.ScheduleVersion, AppliedThrough = snapshot.AppliedThrough };
        foreach (var t in snapshot.Tasks)
        {
            var task = state.GetOrAdd(t.Id);
            task.Enabled = t.Enabled;
            task.Version = t.Version;
            task.LastOccurrence = t.LastOccurrence;
            task.LastOutcome = t.LastOutcome;
            task.PendingRetry = t.PendingRetry;
            foreach (var run in t.OpenRuns)
            {
                task.OpenRuns[run.RunId] = run;
            }
        }

        state.PendingTriggers.AddRange(snapshot.PendingTriggers);
        return state;
    }

    public SnapshotRecord ToSnapshot(string scheduleVersion, string instance, DateTimeOffset at, Func<string, bool> defaultEnabled) => new(
        scheduleVersion,
        AppliedThrough,
        instance,
        at,
        Tasks.Values.OrderBy(t => t.Id, StringComparer.Ordinal).Select(t => t.ToSnapshot(defaultEnabled(t.Id))).ToArray(),
        PendingTriggers.ToArray());

    /// <summary>Applies a claim: the occurrence is taken and the run is open until its outcome arrives.</summary>
    public void Apply(ClaimRecord claim)
    {
        var task = GetOrAdd(claim.TaskId);
        task.OpenRuns[claim.RunId] = new OpenRun(claim.RunId, claim.Occurrence, claim.Trigger, claim.TriggerOffset, claim.Attempt);
        ClearRetry(task, claim.Trigger, claim.Occurrence);
        Advance(task, claim.Trigger, claim.Occurrence, claim.TriggerOffset);
    }

    /// <summary>Applies an outcome: the run (if any) is closed and the occurrence handled.</summary>
    public void Apply(OutcomeRecord outcome)
    {
        var task = GetOrAdd(outcome.TaskId);
        if (outcome.RunId is { } runId)
        {
            task.OpenRuns.Remove(runId);
        }

        task.LastOutcome = outcome.Outcome;
        ClearRetry(task, outcome.Trigger, outcome.Occurrence);
        if (outcome.RetryAt is { } retryAt)
        {
            task.PendingRetry = new PendingRetry(outcome.Occurrence, outcome.Trigger, outcome.TriggerOffset, outcome.Attempt + 1, retryAt);
        }

        Advance(task, outcome.Trigger, outcome.Occurrence, outcome.TriggerOffset);
    }

    /// <summary>
    /// A claim or outcome of the retried occurrence settles its pending retry (the attempt is taken or decided), and one
    /// of a later cron occurrence supersedes it: the newer occurrence wins (docs/recurring.md, "Retries").
    /// </summary>
    private static void ClearRetry(TaskState task, ScheduledRunTrigger trigger, DateTimeOffset occurrence)
    {
        if (task.PendingRetry is not { } pending)
        {
            return;
        }

        var same = pending.Occurrence == occurrence && (pending.Trigger == ScheduledRunTrigger.Manual) == (trigger == ScheduledRunTrigger.Manual);
        var later = trigger != ScheduledRunTrigger.Manual && occurrence > pending.Occurrence;
        if (same || later)
        {
            task.PendingRetry = null;
        }
    }

    public void RemovePendingTrigger(string taskId, long offset) => PendingTriggers.RemoveAll(p => p.Offset == offset && p.TaskId == taskId);

    private void Advance(TaskState task, ScheduledRunTrigger trigger, DateTimeOffset occurrence, long? triggerOffset)
    {
        // Manual triggers are not cron occurrences: they must not move the cron cursor.
        if (trigger != ScheduledRunTrigger.Manual && (task.LastOccurrence is null || occurrence > task.LastOccurrence))
        {
            task.LastOccurrence = occurrence;
        }

        if (triggerOffset is { } offset)
        {
            RemovePendingTrigger(task.Id, offset);
        }

        // Claims and outcomes never raise the stored schedule or task version (issue 8): only the records an owner
        // writes when it takes over — its takeover marker and its snapshots — establish them, so a single forged
        // claim with version 99.0.0 cannot make every instance yield. See docs/recurring.md, "Who may write".
    }

    /// <summary>A takeover marker: the schedule version of an instance that fenced the previous owner.</summary>
    public void Apply(TakeoverRecord takeover)
    {
        if (ScheduleVersion is null || Scheduling.SemanticVersion.Compare(takeover.ScheduleVersion, ScheduleVersion) > 0)
        {
            ScheduleVersion = takeover.ScheduleVersion;
        }
    }
}
