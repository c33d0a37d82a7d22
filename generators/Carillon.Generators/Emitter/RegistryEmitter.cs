using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Carillon.CompileTime;
using Carillon.Generators.Models;

namespace Carillon.Generators.Emitter
{
    /// <summary>
    /// Emits the assembly's own registry (public, listed in <c>[assembly: ScheduleRegistry]</c> for applications that
    /// reference it) and the internal application registry (own tasks followed by every referenced registry's).
    /// </summary>
    internal static class RegistryEmitter
    {
        public const string Namespace = "Carillon.Generated";

        public static string OwnRegistryName(CompilationModel compilation) => compilation.TypeNamePrefix + "ScheduleRegistry";

        public static string ApplicationRegistryName(CompilationModel compilation) => compilation.TypeNamePrefix + "ApplicationScheduleRegistry";

        public static string Emit(CompilationModel compilation, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            var own = OwnRegistryName(compilation);
            var builder = new StringBuilder(CodeText.Header).Append('\n');
            if (tasks.Count > 0)
            {
                builder.Append("[assembly: global::Carillon.ScheduleRegistryAttribute(typeof(global::").Append(Namespace).Append('.').Append(own).Append(')');
                foreach (var task in tasks)
                {
                    builder.Append(", ").Append(CodeText.Literal(task.Id));
                }

                builder.Append(")]\n\n");
            }

            builder.Append("namespace ").Append(Namespace).Append("\n{\n");
            EmitOwnRegistry(builder, compilation, own, tasks);
            builder.Append('\n');
            EmitApplicationRegistry(builder, compilation, own);
            builder.Append("}\n");
            return builder.ToString();
        }

        private static void EmitOwnRegistry(StringBuilder b, CompilationModel compilation, string name, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            b.Append("    /// <summary>The scheduled actions declared in ").Append(Xml(compilation.AssemblyName)).Append(", in declaration order.</summary>\n");
            b.Append("    ").Append(CodeText.GeneratedCodeAttribute).Append('\n');
            b.Append("    public sealed class ").Append(name).Append(" : global::Carillon.ScheduleRegistry\n    {\n");
            b.Append("        /// <summary>Creates the registry.</summary>\n");
            b.Append("        public ").Append(name).Append("()\n            : base(").Append(CodeText.Literal(compilation.ScheduleVersion)).Append(", CreateTasks())\n        {\n        }\n\n");
            // The descriptors are a data table decoded by one loop, one dispatch method serves every task (instead
            // of a method and a delegate creation per task), and there is one factory per declaring type: with
            // 1,000 tasks this compiles and starts noticeably faster (see docs/benchmarks-compile-time.md). The
            // dispatch is only compiled by the JIT when the first task runs, not at startup.
            // Nullable analysis of the dispatch (one case per task) was half the cost of compiling the registry for
            // 1,000 tasks; it only passes services and literals, so it is switched off there.
            b.Append("#nullable disable\n");
            DescriptorTableEmitter.Emit(b, compilation, tasks);
            var factories = new Dictionary<string, string>(StringComparer.Ordinal);
            b.Append('\n');
            InvokerEmitter.EmitDispatch(b, tasks, factories);
            b.Append("#nullable enable\n");

            foreach (var task in tasks.Where(t => !t.IsStatic).GroupBy(t => t.DeclaringTypeName, StringComparer.Ordinal).Select(g => g.First()))
            {
                b.Append('\n');
                InvokerEmitter.EmitFactory(b, factories[task.DeclaringTypeName], task);
            }

            if (tasks.Any(t => t.Arguments.Any(a => a.Kind == ArgumentKind.RequiredService) || (!t.IsStatic && t.ConstructorArguments.Any(a => a.Kind == ArgumentKind.RequiredService))))
            {
                b.Append('\n');
                InvokerEmitter.EmitServiceHelper(b);
            }

            b.Append("    }\n");
        }

        private static void EmitApplicationRegistry(StringBuilder b, CompilationModel compilation, string own)
        {
            b.Append("    /// <summary>This assembly's scheduled actions followed by those of referenced libraries' registries.</summary>\n");
            b.Append("    ").Append(CodeText.GeneratedCodeAttribute).Append('\n');
            b.Append("    internal sealed class ").Append(ApplicationRegistryName(compilation)).Append(" : global::Carillon.ScheduleRegistry\n    {\n");
            b.Append("        public ").Append(ApplicationRegistryName(compilation)).Append("()\n            : base(").Append(CodeText.Literal(compilation.ScheduleVersion)).Append(", CreateTasks())\n        {\n        }\n\n");
            b.Append("        private static global::System.Collections.Generic.List<global::Carillon.ScheduledTaskDescriptor> CreateTasks()\n        {\n");
            b.Append("            var tasks = new global::System.Collections.Generic.List<global::Carillon.ScheduledTaskDescriptor>(new ").Append(own).Append("().Tasks);\n");
            foreach (var registry in compilation.ReferencedRegistries.OrderBy(r => r.AssemblyName, System.StringComparer.Ordinal))
            {
                b.Append("            tasks.AddRange(new ").Append(registry.TypeName).Append("().Tasks);\n");
            }

            b.Append("            return tasks;\n        }\n    }\n");
        }

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
