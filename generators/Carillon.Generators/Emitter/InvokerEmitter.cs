using System.Collections.Generic;
using System.Linq;
using System.Text;
using Carillon.CompileTime;
using Carillon.Generators.Models;

namespace Carillon.Generators.Emitter
{
    /// <summary>
    /// Emits the invocation code: a switch of direct calls (no reflection). Instances come from one factory per declaring type,
    /// which takes the registered instance from the provider or, when the type is not registered, constructs it with
    /// its dependencies from the provider.
    /// </summary>
    internal static class InvokerEmitter
    {
        public static void EmitDispatch(StringBuilder b, IReadOnlyList<ScheduledTaskModel> tasks, Dictionary<string, string> factories)
        {
            b.Append("        private static global::Carillon.ScheduledTaskInvoker Invoker(int index)\n");
            b.Append("            => (services, context, cancellationToken) => Invoke(index, services, context, cancellationToken);\n\n");
            b.Append("        private static global::System.Threading.Tasks.ValueTask Invoke(int index, global::System.IServiceProvider services, global::Carillon.ScheduledActionContext context, global::System.Threading.CancellationToken cancellationToken)\n        {\n");
            b.Append("            switch (index)\n            {\n");
            for (var i = 0; i < tasks.Count; i++)
            {
                var task = tasks[i];
                string target;
                if (task.IsStatic)
                {
                    target = task.DeclaringTypeName;
                }
                else
                {
                    if (!factories.TryGetValue(task.DeclaringTypeName, out var factory))
                    {
                        factories[task.DeclaringTypeName] = factory = "Create" + factories.Count;
                    }

                    target = factory + "(services)";
                }

                var call = target + "." + CodeText.Identifier(task.MethodName) + "(" + Arguments(task.Arguments) + ")";
                b.Append("                case ").Append(i).Append(":\n");
                switch (task.ReturnKind)
                {
                    case ReturnKind.Void:
                        b.Append("                    ").Append(call).Append(";\n                    return default;\n");
                        break;
                    case ReturnKind.Task:
                        b.Append("                    return new global::System.Threading.Tasks.ValueTask(").Append(call).Append(");\n");
                        break;
                    default:
                        b.Append("                    return ").Append(call).Append(";\n");
                        break;
                }
            }

            b.Append("                default:\n                    throw new global::System.ArgumentOutOfRangeException(nameof(index));\n");
            b.Append("            }\n        }\n");
        }

        public static void EmitFactory(StringBuilder b, string name, ScheduledTaskModel task)
        {
            b.Append("        private static ").Append(task.DeclaringTypeName).Append(' ').Append(name).Append("(global::System.IServiceProvider services)\n");
            b.Append("            => services.GetService(typeof(").Append(task.DeclaringTypeName).Append(")) as ").Append(task.DeclaringTypeName)
                .Append("\n                ?? new ").Append(task.DeclaringTypeName).Append('(').Append(Arguments(task.ConstructorArguments)).Append(");\n");
        }

        public static void EmitServiceHelper(StringBuilder b)
        {
            b.Append("        private static T Service<T>(global::System.IServiceProvider services)\n            where T : notnull\n");
            b.Append("            => global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<T>(services);\n");
        }

        private static string Arguments(EquatableArray<ArgumentModel> arguments)
            => string.Join(", ", arguments.Select(Argument));

        private static string Argument(ArgumentModel argument) => argument.Kind switch
        {
            ArgumentKind.CancellationToken => "cancellationToken",
            ArgumentKind.Context => "context",
            ArgumentKind.OptionalService => "services.GetService(typeof(" + argument.TypeName + ")) as " + argument.TypeName,
            _ => "Service<" + argument.TypeName + ">(services)",
        };
    }
}
