using System.Collections.Generic;
using System.Linq;
using System.Text;
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

        public static string Emit(CompilationModel compilation, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            var registry = "global::" + RegistryEmitter.Namespace + "." + RegistryEmitter.ApplicationRegistryName(compilation);
            var b = new StringBuilder(CodeText.Header).Append('\n');
            b.Append("namespace Microsoft.Extensions.DependencyInjection\n{\n");
            b.Append("    /// <summary>Registers the compile-time schedule of this assembly and of the libraries it references.</summary>\n");
            b.Append("    ").Append(CodeText.GeneratedCodeAttribute).Append('\n');
            b.Append("    internal static class CarillonGeneratedScheduleExtensions\n    {\n");
            if (compilation.HasRuntime)
            {
                b.Append("        /// <summary>Registers the schedule registry, the declaring types and the Carillon runtime.</summary>\n");
                b.Append("        public static ").Append(Services).Append(" AddGeneratedSchedules(this ").Append(Services).Append(" services)\n");
                b.Append("            => global::Microsoft.Extensions.DependencyInjection.CarillonServiceCollectionExtensions.AddCarillon(services, RegisterSchedule(services));\n\n");
                b.Append("        /// <summary>Registers the schedule registry, the declaring types and the Carillon runtime, then configures it.</summary>\n");
                b.Append("        public static ").Append(Services).Append(" AddGeneratedSchedules(this ").Append(Services).Append(" services, global::System.Action<global::Carillon.CarillonOptions> configure)\n");
                b.Append("            => global::Microsoft.Extensions.DependencyInjection.CarillonServiceCollectionExtensions.AddCarillon(services, RegisterSchedule(services), configure);\n\n");
            }
            else
            {
                b.Append("        /// <summary>Registers the schedule registry and the declaring types (the Carillon runtime is not referenced).</summary>\n");
                b.Append("        public static ").Append(Services).Append(" AddGeneratedSchedules(this ").Append(Services).Append(" services)\n        {\n");
                b.Append("            global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<global::Carillon.IScheduleRegistry>(services, RegisterSchedule(services));\n");
                b.Append("            return services;\n        }\n\n");
            }

            b.Append("        private static ").Append(registry).Append(" RegisterSchedule(").Append(Services).Append(" services)\n        {\n");
            b.Append("            if (services is null)\n            {\n                throw new global::System.ArgumentNullException(nameof(services));\n            }\n\n");
            foreach (var type in tasks.Where(t => !t.IsStatic).Select(t => t.DeclaringTypeName).Distinct())
            {
                b.Append("            global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddScoped<")
                    .Append(type).Append(">(services);\n");
            }

            b.Append("            return new ").Append(registry).Append("();\n        }\n    }\n}\n");
            return b.ToString();
        }
    }
}
