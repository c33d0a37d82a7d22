namespace Carillon.Recurring.Scheduling;

/// <summary>
/// Sees an engine's timer loops park and wake. Production engines have none; the engine tests use it to move a fake
/// clock only once every loop waits on a timer, so that nothing due before the next timer is overtaken.
/// </summary>
internal interface IScheduleEngineObserver
{
    /// <summary>A task's timer loop is about to start (called before it runs).</summary>
    void LoopStarted();

    /// <summary>A task's timer loop ended (the engine stopped, or the expression never fires again).</summary>
    void LoopEnded();

    /// <summary>A wait on the time provider began.</summary>
    void WaitStarted();

    /// <summary>That wait ended (elapsed or cancelled).</summary>
    void WaitEnded();

    /// <summary>The engine stopped starting runs.</summary>
    void Stopped();
}
