using System.Collections.Generic;
using System.Linq;
using Carillon.CompileTime;
using Carillon.Generators.Models;

namespace Carillon.Generators.Emitter
{
    /// <summary>
    /// Emits the invocation code: a chain of direct calls (no reflection in the call). An instance method's target is the
    /// run's instance of its declaring type from the service provider (<c>AddCarillon</c> registers each one as scoped), or,
    /// for a provider it was not registered with, one constructed with its dependencies from it.
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
        public static void EmitDispatch(SourceWriter w, IReadOnlyList<ScheduledTaskModel> tasks)
        {
            if (tasks.Count <= BlockSize)
            {
                EmitChain(w, "Invoke", tasks, 0, tasks.Count);
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
                EmitChain(w, "Invoke" + SourceWriter.Number(b), tasks, start, System.Math.Min(start + BlockSize, tasks.Count));
            }
        }

        /// <summary>One dispatch method: a chain of direct calls for the tasks <paramref name="start"/> to <paramref name="end"/> - 1.</summary>
        private static void EmitChain(SourceWriter w, string name, IReadOnlyList<ScheduledTaskModel> tasks, int start, int end)
        {
            w.Line("private static global::System.Threading.Tasks.ValueTask " + name + DispatchParameters);
            w.Open();
            for (var i = start; i < end; i++)
            {
                var task = tasks[i];
                var target = task.IsStatic ? task.DeclaringTypeName : "Instance<" + task.DeclaringTypeName + ">(services)";

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

        /// <remarks>
        /// One generic helper instead of a factory method per declaring type (issue 14): the compiler binds a call per task
        /// either way, but a thousand factories (each a method with a type test, a coalescing and a constructor call to
        /// bind, flow-analyse and emit) were most of what the generated code cost a cold compiler; see
        /// docs/benchmarks-compile-time.md. The annotation keeps each type's public constructors when trimming, which the
        /// provider's registration and the fallback below both use.
        /// </remarks>
        public static void EmitInstanceHelper(SourceWriter w)
        {
            w.Line("private static T Instance<[global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] T>(global::System.IServiceProvider services)");
            w.Indented(i => i
                .Line("where T : class")
                .Line("=> services.GetService(typeof(T)) as T ?? global::Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<T>(services);"));
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
