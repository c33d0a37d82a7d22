using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Carillon.Generators.Models;

namespace Carillon.Generators.Emitter
{
    /// <summary>
    /// Emits the descriptors of the own registry as data, decoded by <c>Carillon.ScheduleTable.Read</c>, instead of one
    /// statement per task.
    /// </summary>
    /// <remarks>
    /// With one <c>new ScheduledTaskDescriptor(…)</c> statement per task, the JIT compiled a method of about 20 IL
    /// instructions and 6 string literals per task at startup: 28 ms for 1,000 tasks, slower than a reflection scan.
    /// Here every distinct string is a slice of one string literal and the per-task values are integer constants,
    /// which the compiler stores as a static data blob (no IL per element), so the JIT compiles the same small loop
    /// whatever the number of tasks. That loop is <c>ScheduleTable.Read</c>, compiled once with Carillon: generated into
    /// every registry, it and its lambda were part of the fixed cost of compiling the generated code (issue 14). The
    /// values each descriptor receives are exactly those of the statements before (see docs/benchmarks-compile-time.md).
    /// </remarks>
    internal static class DescriptorTableEmitter
    {
        /// <summary>Integers per task in the row table: <c>Carillon.ScheduleTable.Columns</c>, which decodes it.</summary>
        private const int Columns = 13;

        public static void Emit(SourceWriter w, CompilationModel compilation, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            var types = tasks.Where(t => !t.IsStatic).Select(t => t.DeclaringTypeName).Distinct(StringComparer.Ordinal).ToList();
            var typeIndexes = types.Select((type, index) => (type, index)).ToDictionary(p => p.type, p => p.index, StringComparer.Ordinal);
            var pool = new StringPool();
            var rows = new List<string>(tasks.Count);
            foreach (var t in tasks)
            {
                var row = new[]
                {
                    pool.IndexOf(t.Id),
                    pool.IndexOf(t.Cron),
                    t.TimeZone is null ? -1 : pool.IndexOf(t.TimeZone),
                    t.AllowOverlap ? 1 : 0,
                    t.TimeoutSeconds,
                    t.Exclusive ? 1 : 0,
                    t.Enabled ? 1 : 0,
                    t.Misfire,
                    pool.IndexOf(t.MemberVersion ?? compilation.ScheduleVersion),
                    pool.IndexOf(t.DeclaringTypeDisplayName),
                    pool.IndexOf(t.MethodName),
                    t.IsStatic ? -1 : typeIndexes[t.DeclaringTypeName],
                    t.ConfigurationKey is null ? -1 : pool.IndexOf(t.ConfigurationKey),
                };

                // IDs are [A-Za-z0-9_.-]: safe in a comment.
                rows.Add(string.Join(", ", row.Select(SourceWriter.Number)) + ", // " + t.Id);
            }

            w.Line("// Every distinct string of the table below, concatenated; string i ends at StringEnds[i].");
            w.Line("private const string Strings = " + CodeText.Literal(pool.Text.ToString()) + ";");
            w.Line();
            w.Line("private static global::System.ReadOnlySpan<int> StringEnds => new int[] { " + string.Join(", ", pool.Ends.Select(SourceWriter.Number)) + " };");
            w.Line();
            w.Line("// One row of " + SourceWriter.Number(Columns) + " per task, in declaration order, decoded by global::Carillon.ScheduleTable.Read: ID, cron, time");
            w.Line("// zone (-1: none), allow overlap, timeout (s), exclusive, enabled, misfire, version, declaring type, method, service");
            w.Line("// type (-1: static), configuration key (-1: none). Strings are indexes into StringEnds, service types into the array below.");
            w.Line("private static global::System.ReadOnlySpan<int> Rows => new int[]");
            w.Open();
            foreach (var row in rows)
            {
                w.Line(row);
            }

            w.Close(";");
            w.Line();
            w.Line("private static global::Carillon.ScheduledTaskDescriptor[] CreateTasks()");
            w.Open();
            var serviceTypes = types.Count == 0
                ? "global::System.Type.EmptyTypes"
                : "new global::System.Type[] { " + string.Join(", ", types.Select(t => "typeof(" + t + ")")) + " }";
            w.Line("var tasks = global::Carillon.ScheduleTable.Read(Strings, StringEnds, Rows, " + serviceTypes + ", Invoke);");
            EmitRetries(w, tasks);
            w.Line("return tasks;");
            w.Close();
        }

        /// <summary>
        /// One statement per task with a retry policy (issue 13), none otherwise: most tasks have none, and a registry
        /// without retries is the same text as before retries existed.
        /// </summary>
        private static void EmitRetries(SourceWriter w, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            for (var i = 0; i < tasks.Count; i++)
            {
                var r = tasks[i].Retries;
                if (r.Count == 0)
                {
                    continue;
                }

                var index = SourceWriter.Number(i);
                w.Line("tasks[" + index + "] = tasks[" + index + "].WithRetries(" + SourceWriter.Number(r.Count) + ", " + SourceWriter.Number(r.DelaySeconds) + ", " + (r.OnTimeout ? "true" : "false") + "); // " + tasks[i].Id);
            }
        }

        /// <summary>Distinct strings in first-use order, so the table is deterministic and repeated values are stored once.</summary>
        private sealed class StringPool
        {
            private readonly Dictionary<string, int> _indexes = new Dictionary<string, int>(StringComparer.Ordinal);

            public StringBuilder Text { get; } = new StringBuilder();

            public List<int> Ends { get; } = new List<int>();

            public int IndexOf(string value)
            {
                if (!_indexes.TryGetValue(value, out var index))
                {
                    index = Ends.Count;
                    _indexes.Add(value, index);
                    Text.Append(value);
                    Ends.Add(Text.Length);
                }

                return index;
            }
        }
    }
}
