using System.Collections.Generic;
using System.Linq;
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
        public static void EmitDispatch(SourceWriter w, IReadOnlyList<ScheduledTaskModel> tasks, Dictionary<string, string> factories)
        {
            w.Line("private static global::Carillon.ScheduledTaskInvoker Invoker(int index)");
            w.Indented(i => i.Line("=> (services, context, cancellationToken) => Invoke(index, services, context, cancellationToken);"));
            w.Line();
            w.Line("private static global::System.Threading.Tasks.ValueTask Invoke(int index, global::System.IServiceProvider services, global::Carillon.ScheduledActionContext context, global::System.Threading.CancellationToken cancellationToken)");
            w.Open();
            w.Line("switch (index)");
            w.Open();
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
                        factories[task.DeclaringTypeName] = factory = "Create" + SourceWriter.Number(factories.Count);
                    }

                    target = factory + "(services)";
                }

                var call = target + "." + CodeText.Identifier(task.MethodName) + "(" + Arguments(task.Arguments) + ")";
                w.Line("case " + SourceWriter.Number(i) + ":");
                w.Indented(body =>
                {
                    switch (task.ReturnKind)
                    {
                        case ReturnKind.Void:
                            body.Line(call + ";").Line("return default;");
                            break;
                        case ReturnKind.Task:
                            body.Line("return new global::System.Threading.Tasks.ValueTask(" + call + ");");
                            break;
                        default:
                            body.Line("return " + call + ";");
                            break;
                    }
                });
            }

            w.Line("default:");
            w.Indented(body => body.Line("throw new global::System.ArgumentOutOfRangeException(nameof(index));"));
            w.Close();
            w.Close();
        }

        public static void EmitFactory(SourceWriter w, string name, ScheduledTaskModel task)
        {
            var type = task.DeclaringTypeName;
            w.Line("private static " + type + " " + name + "(global::System.IServiceProvider services)");
            w.Indented(i => i
                .Line("=> services.GetService(typeof(" + type + ")) as " + type)
                .Indented(j => j.Line("?? new " + type + "(" + Arguments(task.ConstructorArguments) + ");")));
        }

        public static void EmitServiceHelper(SourceWriter w)
        {
            w.Line("private static T Service<T>(global::System.IServiceProvider services)");
            w.Indented(i => i
                .Line("where T : notnull")
                .Line("=> global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<T>(services);"));
        }

        private static string Arguments(EquatableArray<ArgumentBinding> arguments)
            => string.Join(", ", arguments.Select(Argument));

        private static string Argument(ArgumentBinding argument) => argument.Kind switch
        {
            ArgumentKind.CancellationToken => "cancellationToken",
            ArgumentKind.Context => "context",
            ArgumentKind.OptionalService => "services.GetService(typeof(" + argument.TypeName + ")) as " + argument.TypeName,
            _ => "Service<" + argument.TypeName + ">(services)",
        };
    }
}
