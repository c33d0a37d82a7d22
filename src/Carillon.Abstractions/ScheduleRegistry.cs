using System.Diagnostics.CodeAnalysis;

namespace Carillon;

/// <summary>A registry over a fixed list of descriptors. Generated registries derive from it.</summary>
public class ScheduleRegistry : IScheduleRegistry
{
    private readonly Dictionary<string, ScheduledTaskDescriptor> _byId;

    /// <summary>Creates a registry; IDs must be unique.</summary>
    public ScheduleRegistry(string version, IEnumerable<ScheduledTaskDescriptor> tasks)
    {
        Version = version ?? throw new ArgumentNullException(nameof(version));
        var list = tasks.ToArray();
        _byId = new Dictionary<string, ScheduledTaskDescriptor>(list.Length, StringComparer.Ordinal);
        foreach (var task in list)
        {
            if (!_byId.TryAdd(task.Id, task))
            {
                throw new ArgumentException($"Duplicate scheduled task ID '{task.Id}'.", nameof(tasks));
            }
        }

        Tasks = list;
    }

    /// <inheritdoc />
    public string Version { get; }

    /// <inheritdoc />
    public IReadOnlyList<ScheduledTaskDescriptor> Tasks { get; }

    /// <inheritdoc />
    public bool TryGetTask(string id, [NotNullWhen(true)] out ScheduledTaskDescriptor? task) => _byId.TryGetValue(id, out task);
}
