using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Carillon.Generators.Models;

namespace Carillon.Generators.Emitter
{
    /// <summary>
    /// Emits the descriptors of the own registry as data plus one small loop, instead of one statement per task.
    /// </summary>
    /// <remarks>
    /// With one <c>new ScheduledTaskDescriptor(…)</c> statement per task, the JIT compiled a method of about 20 IL
    /// instructions and 6 string literals per task at startup: 28 ms for 1,000 tasks, slower than a reflection scan.
    /// Here every distinct string is a slice of one string literal and the per-task values are integer constants,
    /// which the compiler stores as a static data blob (no IL per element), so the JIT compiles the same small loop
    /// whatever the number of tasks. The values each descriptor receives are exactly those of the statements before
    /// (see docs/benchmarks-compile-time.md).
    /// </remarks>
    internal static class DescriptorTableEmitter
    {
        /// <summary>Integers per task in the row table for the descriptor's constructor, in its order.</summary>
        private const int ConstructorColumns = 11;

        private const string TrimmingJustification = "Each declaring type's public constructors are kept by Instance<T>, whose type parameter carries the same annotation and which the dispatch calls for every one of these types.";

        public static void Emit(SourceWriter w, CompilationModel compilation, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            // The service-type column only when a task is an instance method, the configuration-key column only when a
            // task has a key: the table of an assembly without them has no column for them.
            var types = tasks.Where(t => !t.IsStatic).Select(t => t.DeclaringTypeName).Distinct(StringComparer.Ordinal).ToList();
            var typeIndexes = types.Select((type, index) => (type, index)).ToDictionary(p => p.type, p => p.index, StringComparer.Ordinal);
            var withTypes = types.Count > 0;
            var withKeys = tasks.Any(t => t.ConfigurationKey is not null);
            var typeColumn = ConstructorColumns;
            var keyColumn = withTypes ? ConstructorColumns + 1 : ConstructorColumns;
            var columns = keyColumn + (withKeys ? 1 : 0);
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
                };
                if (withTypes)
                {
                    row = row.Concat(new[] { t.IsStatic ? -1 : typeIndexes[t.DeclaringTypeName] }).ToArray();
                }

                if (withKeys)
                {
                    row = row.Concat(new[] { t.ConfigurationKey is null ? -1 : pool.IndexOf(t.ConfigurationKey) }).ToArray();
                }

                // IDs are [A-Za-z0-9_.-]: safe in a comment.
                rows.Add(string.Join(", ", row.Select(SourceWriter.Number)) + ", // " + t.Id);
            }

            w.Line("// Every distinct string of the table below, concatenated; string i ends at StringEnds[i].");
            w.Line("private const string Strings = " + CodeText.Literal(pool.Text.ToString()) + ";");
            w.Line();
            w.Line("private static global::System.ReadOnlySpan<int> StringEnds => new int[] { " + string.Join(", ", pool.Ends.Select(SourceWriter.Number)) + " };");
            w.Line();
            w.Line("// One row per task, in declaration order: ID, cron, time zone (-1: none), allow overlap, timeout (s), exclusive,");
            w.Line("// enabled, misfire, version, declaring type, method" + (withTypes ? ", service type (index into types; -1: static)" : string.Empty)
                + (withKeys ? ", configuration key (-1: none)" : string.Empty) + ". Strings are indexes into StringEnds.");
            w.Line("private static global::System.ReadOnlySpan<int> Rows => new int[]");
            w.Open();
            foreach (var row in rows)
            {
                w.Line(row);
            }

            w.Close(";");
            w.Line();
            if (withTypes)
            {
                w.Line("[global::System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage(\"Trimming\", \"IL2062\", Justification = " + CodeText.Literal(TrimmingJustification) + ")]");
            }

            w.Line("private static global::Carillon.ScheduledTaskDescriptor[] CreateTasks()");
            w.Open();
            if (withTypes)
            {
                // Each run resolves an instance method's declaring type from its scope; AddCarillon registers them (issue 14).
                w.Line("var types = new global::System.Type[] { " + string.Join(", ", types.Select(t => "typeof(" + t + ")")) + " };");
            }

            w.Line("var ends = StringEnds;");
            w.Line("var strings = new string[ends.Length];");
            w.Line("for (int i = 0, start = 0; i < strings.Length; start = ends[i], i++)");
            w.Open().Line("strings[i] = Strings.Substring(start, ends[i] - start);").Close();
            w.Line();
            w.Line("var rows = Rows;");
            w.Line("var tasks = new global::Carillon.ScheduledTaskDescriptor[" + SourceWriter.Number(tasks.Count) + "];");
            w.Line("for (int i = 0, r = 0; i < tasks.Length; i++, r += " + SourceWriter.Number(columns) + ")");
            w.Open();
            w.Line("tasks[i] = new global::Carillon.ScheduledTaskDescriptor(");
            w.Indented(i => i
                .Line("strings[rows[r]], strings[rows[r + 1]], rows[r + 2] < 0 ? null : strings[rows[r + 2]], rows[r + 3] != 0, rows[r + 4],")
                .Line("rows[r + 5] != 0, rows[r + 6] != 0, (global::Carillon.MisfirePolicy)rows[r + 7], strings[rows[r + 8]], strings[rows[r + 9]],")
                .Line("strings[rows[r + 10]], Invoker(i))" + (withTypes || withKeys ? "" : ";")));
            if (withTypes || withKeys)
            {
                w.Line("{");
                w.Indented(i =>
                {
                    if (withTypes)
                    {
                        i.Line("ServiceType = rows[r + " + SourceWriter.Number(typeColumn) + "] < 0 ? null : types[rows[r + " + SourceWriter.Number(typeColumn) + "]],");
                    }

                    if (withKeys)
                    {
                        i.Line("ConfigurationKey = rows[r + " + SourceWriter.Number(keyColumn) + "] < 0 ? null : strings[rows[r + " + SourceWriter.Number(keyColumn) + "]],");
                    }
                });
                w.Line("};");
            }

            w.Close();
            EmitRetries(w, tasks);
            w.Line();
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
