using System.Collections.Immutable;
using Carillon.CompileTime;
using Carillon.Generators.Emitter;
using Carillon.Generators.Models;
using Carillon.Generators.Parser;
using Microsoft.CodeAnalysis;

namespace Carillon.Generators
{
    /// <summary>
    /// Finds <c>[ScheduledAction]</c> methods and emits the assembly's schedule registry and <c>AddGeneratedSchedules()</c>.
    /// Every step's output is a value-equatable model, except <see cref="DeclaredCompilation"/>, which is compared by its
    /// declarations key; so an edit that does not touch a declaration binds nothing and re-emits nothing.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ScheduleGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Syntax first (issue 14): each tree's declarations, re-read only for a tree that changed. An edit inside a
            // method body leaves them equal, so the binding below does not run again; Roslyn's attribute lookup would
            // re-bind every scheduled method on every new compilation. docs/benchmarks-compile-time.md explains.
            var declarations = context.CompilationProvider
                .SelectMany(static (compilation, _) => compilation.SyntaxTrees)
                .WithTrackingName(TrackingNames.SyntaxTrees)
                .Select(static (tree, ct) => TreeDeclarations.Read(tree, ct))
                .WithTrackingName(TrackingNames.TreeDeclarations)
                .Collect();

            var declared = context.CompilationProvider
                .Combine(declarations)
                .Select(static (input, _) => new DeclaredCompilation(input.Left, input.Right))
                .WithComparer(DeclaredCompilation.SameDeclarations)
                .WithTrackingName(TrackingNames.Declarations);

            // One value for all tasks, not one per task: re-checking a thousand cached entries after every edit costs
            // more than comparing one array when the declarations did change.
            var tasks = declared
                .Select(static (input, ct) => ScheduledMethodFinder.Find(input.Compilation, ct))
                .WithTrackingName(TrackingNames.ScheduledActions);

            var facts = declared
                .Select(static (input, ct) => CompilationParser.Parse(input.Compilation, ct))
                .WithTrackingName(TrackingNames.CompilationFacts);

            var schedule = facts.Combine(tasks).WithTrackingName(TrackingNames.Schedule);

            context.RegisterSourceOutput(schedule, static (spc, input) => Emit(spc, input.Left, ImmutableArray.CreateRange(input.Right)));
        }

        private static void Emit(SourceProductionContext context, CompilationModel compilation, ImmutableArray<ScheduledTaskModel> tasks)
        {
            if (!compilation.IsCarillonReferenced)
            {
                return;
            }

            context.CancellationToken.ThrowIfCancellationRequested();
            context.AddSource("Carillon.ScheduleRegistry.g.cs", RegistryEmitter.Emit(compilation, tasks));
            context.AddSource("Carillon.ServiceCollectionExtensions.g.cs", ServiceCollectionEmitter.Emit(compilation));
        }
    }
}
