using System.Diagnostics.CodeAnalysis;

namespace Carillon;

/// <summary>Runs the scheduled method of task <paramref name="index"/> of a generated registry: one direct call per task.</summary>
public delegate ValueTask ScheduledTaskDispatch(int index, IServiceProvider services, ScheduledActionContext context, CancellationToken cancellationToken);

/// <summary>
/// Decodes the descriptor table of a generated registry. Called by generated code: a registry is its strings, one row of
/// integers per task and one dispatch method, and the decoding is done here, once, instead of being generated into and
/// compiled with every assembly that declares schedules (issue 14, docs/benchmarks-compile-time.md).
/// </summary>
public static class ScheduleTable
{
    /// <summary>Integers per task in <c>rows</c>.</summary>
    public const int Columns = 13;

    /// <summary>
    /// The descriptors of a table. Each string of the table is a slice of <paramref name="strings"/> ending at the
    /// matching entry of <paramref name="stringEnds"/>; each task is <see cref="Columns"/> integers of
    /// <paramref name="rows"/>: ID, cron, time zone (-1: none), allow overlap, timeout in seconds, exclusive, enabled,
    /// misfire policy, version, declaring type, method, service type (an index into <paramref name="serviceTypes"/>;
    /// -1: a static method) and configuration key (-1: none). Strings are indexes into <paramref name="stringEnds"/>.
    /// </summary>
    /// <param name="strings">Every distinct string of the table, concatenated.</param>
    /// <param name="stringEnds">Where each string ends in <paramref name="strings"/>.</param>
    /// <param name="rows">The tasks' rows, in declaration order.</param>
    /// <param name="serviceTypes">The declaring types of instance methods.</param>
    /// <param name="dispatch">Runs task <c>index</c>'s method.</param>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2062",
        Justification = "Generated registries call a helper whose type parameter carries the same annotation for every one of these types, which keeps their public constructors.")]
    public static ScheduledTaskDescriptor[] Read(string strings, ReadOnlySpan<int> stringEnds, ReadOnlySpan<int> rows, Type[] serviceTypes, ScheduledTaskDispatch dispatch)
    {
        ArgumentNullException.ThrowIfNull(strings);
        ArgumentNullException.ThrowIfNull(serviceTypes);
        ArgumentNullException.ThrowIfNull(dispatch);
        if (rows.Length % Columns != 0)
        {
            throw new ArgumentException($"The table's rows are not a whole number of {Columns}-integer rows.", nameof(rows));
        }

        var decoded = new string[stringEnds.Length];
        for (int i = 0, start = 0; i < decoded.Length; start = stringEnds[i], i++)
        {
            decoded[i] = strings.Substring(start, stringEnds[i] - start);
        }

        string? Optional(int index) => index < 0 ? null : decoded[index];

        var tasks = new ScheduledTaskDescriptor[rows.Length / Columns];
        for (int i = 0, r = 0; i < tasks.Length; i++, r += Columns)
        {
            var index = i;
            tasks[i] = new ScheduledTaskDescriptor(
                decoded[rows[r]],
                decoded[rows[r + 1]],
                Optional(rows[r + 2]),
                rows[r + 3] != 0,
                rows[r + 4],
                rows[r + 5] != 0,
                rows[r + 6] != 0,
                (MisfirePolicy)rows[r + 7],
                decoded[rows[r + 8]],
                decoded[rows[r + 9]],
                decoded[rows[r + 10]],
                (services, context, cancellationToken) => dispatch(index, services, context, cancellationToken))
            {
                ServiceType = rows[r + 11] < 0 ? null : serviceTypes[rows[r + 11]],
                ConfigurationKey = Optional(rows[r + 12]),
            };
        }

        return tasks;
    }
}
