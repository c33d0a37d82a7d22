using System;
using System.Collections.Generic;
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
        /// <summary>Integers per task in the row table; the order of the columns is the descriptor's constructor's.</summary>
        private const int Columns = 11;

        public static void Emit(StringBuilder b, CompilationModel compilation, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            var pool = new StringPool();
            var rows = new StringBuilder();
            foreach (var t in tasks)
            {
                rows.Append("            ")
                    .Append(pool.IndexOf(t.Id)).Append(", ")
                    .Append(pool.IndexOf(t.Cron)).Append(", ")
                    .Append(t.TimeZone is null ? -1 : pool.IndexOf(t.TimeZone)).Append(", ")
                    .Append(t.AllowOverlap ? 1 : 0).Append(", ")
                    .Append(t.TimeoutSeconds).Append(", ")
                    .Append(t.Exclusive ? 1 : 0).Append(", ")
                    .Append(t.Enabled ? 1 : 0).Append(", ")
                    .Append(t.Misfire).Append(", ")
                    .Append(pool.IndexOf(t.MemberVersion ?? compilation.ScheduleVersion)).Append(", ")
                    .Append(pool.IndexOf(t.DeclaringTypeDisplayName)).Append(", ")
                    .Append(pool.IndexOf(t.MethodName)).Append(", // ").Append(t.Id).Append('\n'); // IDs are [A-Za-z0-9_.-]: safe in a comment
            }

            b.Append("        // Every distinct string of the table below, concatenated; string i ends at StringEnds[i].\n");
            b.Append("        private const string Strings = ").Append(CodeText.Literal(pool.Text.ToString())).Append(";\n\n");
            b.Append("        private static global::System.ReadOnlySpan<int> StringEnds => new int[] { ").Append(string.Join(", ", pool.Ends)).Append(" };\n\n");
            b.Append("        // One row per task, in declaration order: ID, cron, time zone (-1: none), allow overlap, timeout (s), exclusive,\n");
            b.Append("        // enabled, misfire, version, declaring type, method. Strings are indexes into StringEnds.\n");
            b.Append("        private static global::System.ReadOnlySpan<int> Rows => new int[]\n        {\n").Append(rows).Append("        };\n\n");

            b.Append("        private static global::Carillon.ScheduledTaskDescriptor[] CreateTasks()\n        {\n");
            b.Append("            var ends = StringEnds;\n");
            b.Append("            var strings = new string[ends.Length];\n");
            b.Append("            for (int i = 0, start = 0; i < strings.Length; start = ends[i], i++)\n            {\n");
            b.Append("                strings[i] = Strings.Substring(start, ends[i] - start);\n            }\n\n");
            b.Append("            var rows = Rows;\n");
            b.Append("            var tasks = new global::Carillon.ScheduledTaskDescriptor[").Append(tasks.Count).Append("];\n");
            b.Append("            for (int i = 0, r = 0; i < tasks.Length; i++, r += ").Append(Columns).Append(")\n            {\n");
            b.Append("                tasks[i] = new global::Carillon.ScheduledTaskDescriptor(\n");
            b.Append("                    strings[rows[r]], strings[rows[r + 1]], rows[r + 2] < 0 ? null : strings[rows[r + 2]], rows[r + 3] != 0, rows[r + 4],\n");
            b.Append("                    rows[r + 5] != 0, rows[r + 6] != 0, (global::Carillon.MisfirePolicy)rows[r + 7], strings[rows[r + 8]], strings[rows[r + 9]],\n");
            b.Append("                    strings[rows[r + 10]], Invoker(i));\n            }\n\n");
            b.Append("            return tasks;\n        }\n");
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
