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
        private const string AddTaskServices = "global::Microsoft.Extensions.DependencyInjection.ScheduledTaskServiceCollectionExtensions.AddScheduledTaskServices";

        public static string Emit(CompilationModel compilation)
        {
            var registry = "global::" + RegistryEmitter.Namespace + "." + RegistryEmitter.ApplicationRegistryName(compilation);
            var w = new SourceWriter().Lines(CodeText.Header);
            w.Line("namespace Microsoft.Extensions.DependencyInjection");
            w.Open();
            w.Line("/// <summary>Registers the compile-time schedule of this assembly and of the libraries it references.</summary>");
            w.Line(CodeText.GeneratedCodeAttribute);
            w.Line("internal static class CarillonGeneratedScheduleExtensions");
            w.Open();
            // The declaring types are registered from the registry's descriptors (ScheduledTaskDescriptor.ServiceType), by
            // AddCarillon or AddScheduledTaskServices, not by a generated statement per type (issue 14): that also
            // registers the types of referenced libraries' tasks.
            if (compilation.HasRuntime)
            {
                w.Line("/// <summary>Registers the schedule registry, the declaring types and the Carillon runtime.</summary>");
                w.Line("public static " + Services + " AddGeneratedSchedules(this " + Services + " services)");
                w.Indented(i => i.Line("=> " + AddCarillon + "(services, new " + registry + "());"));
                w.Line();
                w.Line("/// <summary>Registers the schedule registry, the declaring types and the Carillon runtime, then configures it.</summary>");
                w.Line("public static " + Services + " AddGeneratedSchedules(this " + Services + " services, global::System.Action<global::Carillon.CarillonOptions> configure)");
                w.Indented(i => i.Line("=> " + AddCarillon + "(services, new " + registry + "(), configure);"));
            }
            else
            {
                w.Line("/// <summary>Registers the schedule registry and the declaring types (the Carillon runtime is not referenced).</summary>");
                w.Line("public static " + Services + " AddGeneratedSchedules(this " + Services + " services)");
                w.Open();
                w.Line("var registry = new " + registry + "();");
                w.Line(AddTaskServices + "(services, registry);");
                w.Line(Descriptors + ".TryAddSingleton<global::Carillon.IScheduleRegistry>(services, registry);");
                w.Line("return services;");
                w.Close();
            }

            w.Close();
            w.Close();
            return w.ToString();
        }
    }
}
