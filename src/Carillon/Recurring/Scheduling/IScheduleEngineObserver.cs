namespace Carillon.Recurring.Scheduling;

/// <summary>
/// Sees an engine's work start and stop: its timer loops, their waits on the clock, the work it tracks and the scheduled
/// methods in progress. Production engines have none. The simulator and the engine tests count with it so that a fake
/// clock moves only once nothing but the clock (or a method in progress) can make anything happen (issue 13): every
/// hand-over from one piece of work to the next is counted before the first one is counted off, so a count of zero never
/// shows between two steps of the engine, whatever the machine's load.
/// </summary>
internal interface IScheduleEngineObserver
{
    /// <summary>A task's timer loop, or a pending retry's wait, is about to start (called before it runs).</summary>
    void LoopStarted();

    /// <summary>That loop ended (the engine stopped, the expression never fires again, the retry was handed on).</summary>
    void LoopEnded();

    /// <summary>A wait on the time provider began: its timer is registered (so a fake clock knows when it is due).</summary>
    void WaitStarted();

    /// <summary>That wait's timer fired, or it was cancelled: called on the thread that fired it, before the waiter resumes.</summary>
    void WaitEnded();

    /// <summary>The engine started tracking a piece of work (a run, a misfire, a record); <see cref="WorkEnded"/> follows once.</summary>
    void WorkStarted()
    {
    }

    /// <summary>Tracked work ended.</summary>
    void WorkEnded()
    {
    }

    /// <summary>A scheduled method began (on the thread pool): its own code runs until <see cref="MethodEnded"/>.</summary>
    void MethodStarted()
    {
    }

    /// <summary>That method returned or threw (its run is still tracked until its outcome is handled).</summary>
    void MethodEnded()
    {
    }

    /// <summary>The engine stopped starting runs.</summary>
    void Stopped();
}
