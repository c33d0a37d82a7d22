using System.Diagnostics.CodeAnalysis;

namespace Carillon;

/// <summary>The compile-time schedule of an application: every scheduled action, in declaration order.</summary>
public interface IScheduleRegistry
{
    /// <summary>The schedule version: the application's assembly-level <see cref="ScheduleVersionAttribute"/>, or <c>0.0.0</c>.</summary>
    string Version { get; }

    /// <summary>All tasks, in declaration order (the application's first, then referenced libraries').</summary>
    IReadOnlyList<ScheduledTaskDescriptor> Tasks { get; }

    /// <summary>Looks a task up by ID.</summary>
    bool TryGetTask(string id, [NotNullWhen(true)] out ScheduledTaskDescriptor? task);
}
