using System.Collections.Generic;
using System.Linq;
using Carillon.Generators.Models;

namespace Carillon.Generators.Emitter
{
    /// <summary>
    /// Emits <c>AddGeneratedSchedules()</c>. The class is internal so that every assembly's copy stays private to it:
    /// a library and the application that references it never see two competing extension methods.
    /// </summary>
    internal static class ServiceCollectionEmitter
    {
        private const string Services = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";
        private const string AddCarillon = "global::Microsoft.Extensions.DependencyInjection.CarillonServiceCollectionExtensions.AddCarillon";
        private const string Descriptors = "global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions";

        public static string Emit(CompilationModel compilation, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            var registry = "global::" + RegistryEmitter.Namespace + "." + RegistryEmitter.ApplicationRegistryName(compilation);
            var w = new SourceWriter().Lines(CodeText.Header);
            w.Line("namespace Microsoft.Extensions.DependencyInjection");
            w.Open();
            w.Line("/// <summary>Registers the compile-time schedule of this assembly and of the libraries it references.</summary>");
            w.Line(CodeText.GeneratedCodeAttribute);
            w.Line("internal static class CarillonGeneratedScheduleExtensions");
            w.Open();
            if (compilation.HasRuntime)
            {
                w.Line("/// <summary>Registers the schedule registry, the declaring types and the Carillon runtime.</summary>");
                w.Line("public static " + Services + " AddGeneratedSchedules(this " + Services + " services)");
                w.Indented(i => i.Line("=> " + AddCarillon + "(services, RegisterSchedule(services));"));
                w.Line();
                w.Line("/// <summary>Registers the schedule registry, the declaring types and the Carillon runtime, then configures it.</summary>");
                w.Line("public static " + Services + " AddGeneratedSchedules(this " + Services + " services, global::System.Action<global::Carillon.CarillonOptions> configure)");
                w.Indented(i => i.Line("=> " + AddCarillon + "(services, RegisterSchedule(services), configure);"));
                w.Line();
            }
            else
            {
                w.Line("/// <summary>Registers the schedule registry and the declaring types (the Carillon runtime is not referenced).</summary>");
                w.Line("public static " + Services + " AddGeneratedSchedules(this " + Services + " services)");
                w.Open();
                w.Line(Descriptors + ".TryAddSingleton<global::Carillon.IScheduleRegistry>(services, RegisterSchedule(services));");
                w.Line("return services;");
                w.Close();
                w.Line();
            }

            w.Line("private static " + registry + " RegisterSchedule(" + Services + " services)");
            w.Open();
            w.Line("if (services is null)");
            w.Open().Line("throw new global::System.ArgumentNullException(nameof(services));").Close();
            w.Line();
            // One private, non-overloaded helper per file (issue 14): each line binds a call with a single candidate instead
            // of overload resolution over TryAddScoped's generic and non-generic overloads. typeof stays at the call site
            // and the helper's parameter carries the trimming annotation, so trimming still keeps each type's constructors.
            foreach (var type in tasks.Where(t => !t.IsStatic).Select(t => t.DeclaringTypeName).Distinct())
            {
                w.Line("Scoped(services, typeof(" + type + "));");
            }

            w.Line("return new " + registry + "();");
            w.Close();
            w.Line();
            w.Line("private static void Scoped(" + Services + " services, [global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] global::System.Type type)");
            w.Indented(i => i.Line("=> " + Descriptors + ".TryAddScoped(services, type);"));
            w.Close();
            w.Close();
            return w.ToString();
        }
    }
}
