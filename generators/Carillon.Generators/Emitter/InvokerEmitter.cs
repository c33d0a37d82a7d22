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
        /// <summary>Cases per dispatch method: the tasks of block <c>b</c> are <c>b * BlockSize</c> to <c>(b + 1) * BlockSize - 1</c>.</summary>
        private const int BlockSize = 32;

        /// <summary>log2 of <see cref="BlockSize"/>: the block of a task is <c>index &gt;&gt; BlockShift</c>.</summary>
        private const int BlockShift = 5;

        private const string DispatchParameters = "(int index, global::System.IServiceProvider services, global::Carillon.ScheduledActionContext context, global::System.Threading.CancellationToken cancellationToken)";

        /// <remarks>
        /// The compiler's cost of a <c>switch</c> statement grows faster than its number of cases: 1,000 cases that only
        /// returned cost about as much to compile as all the calls and factories they stand for (issue 14, see
        /// docs/benchmarks-compile-time.md). So a registry of more than <see cref="BlockSize"/> tasks dispatches in two
        /// steps, by block (<c>index &gt;&gt; 5</c>) and then by index within one method per block, which keeps every
        /// switch small; a smaller registry keeps the single switch.
        /// </remarks>
        public static void EmitDispatch(SourceWriter w, IReadOnlyList<ScheduledTaskModel> tasks, Dictionary<string, string> factories)
        {
            w.Line("private static global::Carillon.ScheduledTaskInvoker Invoker(int index)");
            w.Indented(i => i.Line("=> (services, context, cancellationToken) => Invoke(index, services, context, cancellationToken);"));
            w.Line();
            if (tasks.Count <= BlockSize)
            {
                EmitSwitch(w, "Invoke", tasks, 0, tasks.Count, factories);
                return;
            }

            var blocks = (tasks.Count + BlockSize - 1) / BlockSize;
            w.Line("private static global::System.Threading.Tasks.ValueTask Invoke" + DispatchParameters);
            w.Open();
            w.Line("switch (index >> " + SourceWriter.Number(BlockShift) + ")");
            w.Open();
            for (var b = 0; b < blocks; b++)
            {
                var block = SourceWriter.Number(b);
                w.Line("case " + block + ": return Invoke" + block + "(index, services, context, cancellationToken);");
            }

            w.Line("default: throw new global::System.ArgumentOutOfRangeException(nameof(index));");
            w.Close();
            w.Close();
            for (var b = 0; b < blocks; b++)
            {
                w.Line();
                var start = b * BlockSize;
                EmitSwitch(w, "Invoke" + SourceWriter.Number(b), tasks, start, System.Math.Min(start + BlockSize, tasks.Count), factories);
            }
        }

        /// <summary>One dispatch method: a switch of direct calls for the tasks <paramref name="start"/> to <paramref name="end"/> - 1.</summary>
        private static void EmitSwitch(SourceWriter w, string name, IReadOnlyList<ScheduledTaskModel> tasks, int start, int end, Dictionary<string, string> factories)
        {
            w.Line("private static global::System.Threading.Tasks.ValueTask " + name + DispatchParameters);
            w.Open();
            w.Line("switch (index)");
            w.Open();
            for (var i = start; i < end; i++)
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
