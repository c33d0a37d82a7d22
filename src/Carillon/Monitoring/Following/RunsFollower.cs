using System.Text;
using Carillon.Protocol;

namespace Carillon.Monitoring.Following;

/// <summary>
/// Follows the execution-log topic: the most recent runs of each task, bounded (<see cref="PerTask"/> per task,
/// <see cref="MaxTasks"/> task IDs), kept as bytes and decoded when read. Log order is write order, so newest first
/// is highest offset first.
/// </summary>
internal sealed class RunsFollower
{
    /// <summary>Runs kept per task.</summary>
    public const int PerTask = 200;

    /// <summary>Task IDs kept: a log flooded with made-up keys cannot grow the monitor without bound.</summary>
    public const int MaxTasks = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<Entry>> _byTask = new(StringComparer.Ordinal);

    public void Add(long offset, byte[]? key, byte[]? value)
    {
        if (key is null || value is null)
        {
            return;
        }

        var taskId = Encoding.UTF8.GetString(key);
        lock (_gate)
        {
            if (!_byTask.TryGetValue(taskId, out var runs))
            {
                if (_byTask.Count >= MaxTasks)
                {
                    return;
                }

                runs = new Queue<Entry>();
                _byTask.Add(taskId, runs);
            }

            if (runs.Count >= PerTask)
            {
                runs.Dequeue();
            }

            runs.Enqueue(new Entry(offset, value));
        }
    }

    /// <summary>The newest runs of <paramref name="taskId"/> (or of every task for <c>*</c>), newest first.</summary>
    public IReadOnlyList<RunView> Recent(string taskId, int max)
    {
        if (max <= 0)
        {
            return [];
        }

        Entry[] entries;
        lock (_gate)
        {
            entries = taskId == ScheduleProtocol.AllTasks
                ? [.. _byTask.Values.SelectMany(q => q)]
                : _byTask.TryGetValue(taskId, out var runs) ? [.. runs] : [];
        }

        // Decoding outside the lock; an entry decodes once and keeps its view.
        return [.. entries.OrderByDescending(e => e.Offset).Select(e => e.View).OfType<RunView>().Take(max)];
    }

    /// <summary>The newest run of a task, if any.</summary>
    public RunView? Last(string taskId) => Recent(taskId, 1) is [var run] ? run : null;

    private sealed class Entry(long offset, byte[] value)
    {
        private RunView? _view;
        private bool _decoded;

        public long Offset { get; } = offset;

        public RunView? View
        {
            get
            {
                if (!Volatile.Read(ref _decoded))
                {
                    _view = ToView(ScheduleProtocol.ReadExecutionLog(value));
                    Volatile.Write(ref _decoded, true);
                }

                return _view;
            }
        }
    }

    internal static RunView? ToView(ExecutionLogRecord? r) => r is null ? null : new RunView
    {
        TaskId = r.Task,
        Occurrence = r.Occurrence,
        Start = r.Start,
        Duration = r.End - r.Start,
        Outcome = r.Outcome,
        Trigger = r.Trigger,
        Instance = r.Instance,
        Attempt = Math.Max(r.Attempt, 1),
        ErrorType = r.ErrorType,
        ErrorMessage = r.ErrorMessage,
    };
}
