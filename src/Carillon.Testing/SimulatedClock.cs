namespace Carillon.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that moves only when told, and knows its timers: <see cref="NextDue"/> is the earliest
/// pending one, so a driver can move time from one due timer to the next and never overtake anything (the reason a
/// plain fake clock moved in big steps misses or merges occurrences). Used by <see cref="ScheduleSimulator"/>.
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<SimulatedTimer> _timers = [];
    private readonly TimeZoneInfo _zone;
    private DateTimeOffset _now;
    private long _sequence;

    /// <summary>Creates a clock at <paramref name="start"/>.</summary>
    /// <param name="start">The initial time.</param>
    /// <param name="localTimeZone">What <see cref="TimeProvider.LocalTimeZone"/> returns; UTC when null.</param>
    public SimulatedClock(DateTimeOffset start, TimeZoneInfo? localTimeZone = null)
    {
        _now = start.ToUniversalTime();
        _zone = localTimeZone ?? TimeZoneInfo.Utc;
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => _zone;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>The due time of the earliest pending timer, or null when none is pending.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                DateTimeOffset? next = null;
                foreach (var t in _timers)
                {
                    if (next is null || t.Due < next)
                    {
                        next = t.Due;
                    }
                }

                return next;
            }
        }
    }

    /// <summary>
    /// Moves the clock to <paramref name="time"/> (never backwards) and fires the timers due by then, earliest first
    /// (ties in creation order), each at its own due time. Callbacks run on the calling thread.
    /// </summary>
    /// <returns>How many timers fired.</returns>
    public int AdvanceTo(DateTimeOffset time)
    {
        var fired = 0;
        while (true)
        {
            SimulatedTimer? due = null;
            lock (_gate)
            {
                foreach (var t in _timers)
                {
                    if (t.Due <= time && (due is null || t.Due < due.Due || (t.Due == due.Due && t.Sequence < due.Sequence)))
                    {
                        due = t;
                    }
                }

                if (due is null)
                {
                    if (time > _now)
                    {
                        _now = time;
                    }

                    return fired;
                }

                if (due.Due > _now)
                {
                    _now = due.Due;
                }

                _timers.Remove(due);
                if (due.Period is { } period)
                {
                    due.Due += period;
                    due.Sequence = ++_sequence;
                    _timers.Add(due);
                }
            }

            fired++;
            due.Fire();
        }
    }

    /// <summary>Moves the clock by <paramref name="delta"/>, firing the timers due on the way (see <see cref="AdvanceTo"/>).</summary>
    public int Advance(TimeSpan delta) => AdvanceTo(GetUtcNow() + delta);

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimulatedTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(SimulatedTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            timer.Due = _now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
            timer.Period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? null : period;
            timer.Sequence = ++_sequence;
            _timers.Add(timer);
        }
    }

    private void Remove(SimulatedTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class SimulatedTimer(SimulatedClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public TimeSpan? Period { get; set; }

        public long Sequence { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Schedule(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
