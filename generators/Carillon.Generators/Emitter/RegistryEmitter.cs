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
            b.Append("        private static global::Carillon.ScheduledTaskDescriptor[] CreateTasks() => new global::Carillon.ScheduledTaskDescriptor[]\n        {\n");
            for (var i = 0; i < tasks.Count; i++)
            {
                var t = tasks[i];
                b.Append("            new global::Carillon.ScheduledTaskDescriptor(")
                    .Append(CodeText.Literal(t.Id)).Append(", ")
                    .Append(CodeText.Literal(t.Cron)).Append(", ")
                    .Append(CodeText.Literal(t.TimeZone)).Append(", ")
                    .Append(CodeText.Literal(t.AllowOverlap)).Append(", ")
                    .Append(t.TimeoutSeconds).Append(", ")
                    .Append(CodeText.Literal(t.Exclusive)).Append(", ")
                    .Append(CodeText.Literal(t.Enabled)).Append(", ")
                    .Append(Misfire(t.Misfire)).Append(", ")
                    .Append(CodeText.Literal(t.MemberVersion ?? compilation.ScheduleVersion)).Append(", ")
                    .Append(CodeText.Literal(t.DeclaringTypeDisplayName)).Append(", ")
                    .Append(CodeText.Literal(t.MethodName)).Append(", ")
                    .Append("Invoke").Append(i).Append("),\n");
            }

            b.Append("        };\n");
            for (var i = 0; i < tasks.Count; i++)
            {
                b.Append('\n');
                InvokerEmitter.Emit(b, "Invoke" + i, tasks[i]);
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

        private static string Misfire(int value) => value switch
        {
            0 => "global::Carillon.MisfirePolicy.RunOnce",
            1 => "global::Carillon.MisfirePolicy.Skip",
            _ => "(global::Carillon.MisfirePolicy)" + value,
        };

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
