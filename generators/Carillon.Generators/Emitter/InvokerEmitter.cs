using System.Collections.Generic;
using System.Linq;
using Carillon.CompileTime;
using Carillon.Generators.Models;

namespace Carillon.Generators.Emitter
{
    /// <summary>
    /// Emits the invocation code: a chain of direct calls (no reflection). Instances come from one factory per declaring type,
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
        /// Dispatch is a chain of <c>if (index == n) return …;</c>, not a <c>switch</c> (issue 14, see
        /// docs/benchmarks-compile-time.md). The compiler's cost of a <c>switch</c> statement grows faster than its number
        /// of cases, and the first <c>switch</c> a compiler process meets costs it a few hundred methods of its own to
        /// JIT-compile (the decision DAG builder and the jump-table emitter); job classes rarely contain one, so every
        /// command-line build paid that for the generated code alone. An <c>if</c> per task binds and flows in linear
        /// time with code paths every project already uses. A registry of more than <see cref="BlockSize"/> tasks
        /// dispatches in two steps, by block (<c>index &gt;&gt; 5</c>) and then by index within one method per block, so
        /// no method holds more than <see cref="BlockSize"/> tests and finding a task takes at most two short chains.
        /// </remarks>
        public static void EmitDispatch(SourceWriter w, IReadOnlyList<ScheduledTaskModel> tasks, Dictionary<string, string> factories)
        {
            w.Line("private static global::Carillon.ScheduledTaskInvoker Invoker(int index)");
            w.Indented(i => i.Line("=> (services, context, cancellationToken) => Invoke(index, services, context, cancellationToken);"));
            w.Line();
            if (tasks.Count <= BlockSize)
            {
                EmitChain(w, "Invoke", tasks, 0, tasks.Count, factories);
                return;
            }

            var blocks = (tasks.Count + BlockSize - 1) / BlockSize;
            w.Line("private static global::System.Threading.Tasks.ValueTask Invoke" + DispatchParameters);
            w.Open();
            for (var b = 0; b < blocks; b++)
            {
                var block = SourceWriter.Number(b);
                w.Line("if (index >> " + SourceWriter.Number(BlockShift) + " == " + block + ") return Invoke" + block + "(index, services, context, cancellationToken);");
            }

            w.Line("throw new global::System.ArgumentOutOfRangeException(nameof(index));");
            w.Close();
            for (var b = 0; b < blocks; b++)
            {
                w.Line();
                var start = b * BlockSize;
                EmitChain(w, "Invoke" + SourceWriter.Number(b), tasks, start, System.Math.Min(start + BlockSize, tasks.Count), factories);
            }
        }

        /// <summary>One dispatch method: a chain of direct calls for the tasks <paramref name="start"/> to <paramref name="end"/> - 1.</summary>
        private static void EmitChain(SourceWriter w, string name, IReadOnlyList<ScheduledTaskModel> tasks, int start, int end, Dictionary<string, string> factories)
        {
            w.Line("private static global::System.Threading.Tasks.ValueTask " + name + DispatchParameters);
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
                var test = "if (index == " + SourceWriter.Number(i) + ")";
                switch (task.ReturnKind)
                {
                    case ReturnKind.Void:
                        w.Line(test);
                        w.Open().Line(call + ";").Line("return default;").Close();
                        break;
                    case ReturnKind.Task:
                        w.Line(test + " return new global::System.Threading.Tasks.ValueTask(" + call + ");");
                        break;
                    default:
                        w.Line(test + " return " + call + ";");
                        break;
                }
            }

            w.Line("throw new global::System.ArgumentOutOfRangeException(nameof(index));");
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
