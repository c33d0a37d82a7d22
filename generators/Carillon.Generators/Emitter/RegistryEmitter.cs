using System;
using System.Collections.Generic;
using System.Linq;
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
            var w = new SourceWriter().Lines(CodeText.Header);
            if (tasks.Count > 0)
            {
                w.Line("[assembly: global::Carillon.ScheduleRegistryAttribute(typeof(global::" + Namespace + "." + own + ")"
                    + string.Concat(tasks.Select(t => ", " + CodeText.Literal(t.Id))) + ")]");
                w.Line();
            }

            w.Line("namespace " + Namespace);
            w.Open();
            EmitOwnRegistry(w, compilation, own, tasks);
            w.Line();
            EmitApplicationRegistry(w, compilation, own);
            w.Close();
            return w.ToString();
        }

        private static void EmitOwnRegistry(SourceWriter w, CompilationModel compilation, string name, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            w.Line("/// <summary>The scheduled actions declared in " + Xml(compilation.AssemblyName) + ", in declaration order.</summary>");
            w.Line(CodeText.GeneratedCodeAttribute);
            w.Line("public sealed class " + name + " : global::Carillon.ScheduleRegistry");
            w.Open();
            w.Line("/// <summary>Creates the registry.</summary>");
            w.Line("public " + name + "()");
            w.Indented(i => i.Line(": base(" + CodeText.Literal(compilation.ScheduleVersion) + ", CreateTasks())"));
            w.Open().Close();
            w.Line();

            // The descriptors are a data table decoded by ScheduleTable.Read, one dispatch method serves every task (instead
            // of a method and a delegate creation per task), and instances come from one generic helper: with
            // 1,000 tasks this compiles and starts noticeably faster (see docs/benchmarks-compile-time.md). The
            // dispatch is only compiled by the JIT when the first task runs, not at startup.
            // Nullable analysis of the dispatch (one case per task) was half the cost of compiling the registry for
            // 1,000 tasks; it only passes services and literals, so it is switched off there.
            w.Directive("#nullable disable");
            DescriptorTableEmitter.Emit(w, compilation, tasks);
            w.Line();
            InvokerEmitter.EmitDispatch(w, tasks);
            if (tasks.Any(t => !t.IsStatic))
            {
                w.Line();
                InvokerEmitter.EmitInstanceHelper(w);
            }

            if (tasks.Any(t => t.Arguments.Any(a => a.Kind == ArgumentKind.RequiredService)))
            {
                w.Line();
                InvokerEmitter.EmitServiceHelper(w);
            }

            w.Directive("#nullable enable");
            w.Close();
        }

        private static void EmitApplicationRegistry(SourceWriter w, CompilationModel compilation, string own)
        {
            var name = ApplicationRegistryName(compilation);
            w.Line("/// <summary>This assembly's scheduled actions followed by those of referenced libraries' registries.</summary>");
            w.Line(CodeText.GeneratedCodeAttribute);
            w.Line("internal sealed class " + name + " : global::Carillon.ScheduleRegistry");
            w.Open();
            w.Line("public " + name + "()");
            w.Indented(i => i.Line(": base(" + CodeText.Literal(compilation.ScheduleVersion) + ", CreateTasks())"));
            w.Open().Close();
            w.Line();
            w.Line("private static global::System.Collections.Generic.List<global::Carillon.ScheduledTaskDescriptor> CreateTasks()");
            w.Open();
            w.Line("var tasks = new global::System.Collections.Generic.List<global::Carillon.ScheduledTaskDescriptor>(new " + own + "().Tasks);");
            foreach (var registry in compilation.ReferencedRegistries.OrderBy(r => r.AssemblyName, StringComparer.Ordinal))
            {
                w.Line("tasks.AddRange(new " + registry.TypeName + "().Tasks);");
            }

            w.Line("return tasks;");
            w.Close();
            w.Close();
        }

        private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
