using System.Linq;
using System.Text;
using Carillon.CompileTime;
using Carillon.Generators.Models;

namespace Carillon.Generators.Emitter
{
    /// <summary>
    /// Emits one task's invoker: a direct call (no reflection), the instance taken from the service provider or, when
    /// the type is not registered, constructed with its dependencies from the provider.
    /// </summary>
    internal static class InvokerEmitter
    {
        public static void Emit(StringBuilder b, string name, ScheduledTaskModel task)
        {
            b.Append("        private static global::System.Threading.Tasks.ValueTask ").Append(name)
                .Append("(global::System.IServiceProvider services, global::Carillon.ScheduledActionContext context, global::System.Threading.CancellationToken cancellationToken)\n        {\n");
            string target;
            if (task.IsStatic)
            {
                target = task.DeclaringTypeName;
            }
            else
            {
                b.Append("            var instance = services.GetService(typeof(").Append(task.DeclaringTypeName).Append(")) as ").Append(task.DeclaringTypeName)
                    .Append("\n                ?? new ").Append(task.DeclaringTypeName).Append('(').Append(Arguments(task.ConstructorArguments)).Append(");\n");
                target = "instance";
            }

            var call = target + "." + task.MethodName + "(" + Arguments(task.Arguments) + ")";
            switch (task.ReturnKind)
            {
                case ReturnKind.Void:
                    b.Append("            ").Append(call).Append(";\n            return default;\n");
                    break;
                case ReturnKind.Task:
                    b.Append("            return new global::System.Threading.Tasks.ValueTask(").Append(call).Append(");\n");
                    break;
                default:
                    b.Append("            return ").Append(call).Append(";\n");
                    break;
            }

            b.Append("        }\n");
        }

        private static string Arguments(EquatableArray<ArgumentModel> arguments)
            => string.Join(", ", arguments.Select(Argument));

        private static string Argument(ArgumentModel argument) => argument.Kind switch
        {
            ArgumentKind.CancellationToken => "cancellationToken",
            ArgumentKind.Context => "context",
            ArgumentKind.OptionalService => "services.GetService(typeof(" + argument.TypeName + ")) as " + argument.TypeName,
            _ => "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<" + argument.TypeName + ">(services)",
        };
    }
}
