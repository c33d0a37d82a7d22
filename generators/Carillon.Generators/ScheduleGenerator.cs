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
    /// Every step's output is a value-equatable model, so an edit that does not touch a schedule re-emits nothing.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ScheduleGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var tasks = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownNames.ScheduledActionAttribute,
                    predicate: static (_, _) => true,
                    transform: static (ctx, ct) => ScheduledTaskParser.Parse(ctx, ct))
                .WithTrackingName(TrackingNames.ScheduledActions)
                .SelectMany(static (models, _) => models)
                .WithTrackingName(TrackingNames.ParsedScheduledActions)
                .Select(static (task, _) => task)
                .WithTrackingName(TrackingNames.ValidScheduledActions)
                .Collect()
                .WithTrackingName(TrackingNames.AllScheduledActions);

            var facts = context.CompilationProvider
                .Select(static (compilation, ct) => CompilationParser.Parse(compilation, ct))
                .WithTrackingName(TrackingNames.CompilationFacts);

            var schedule = facts.Combine(tasks).WithTrackingName(TrackingNames.Schedule);

            context.RegisterSourceOutput(schedule, static (spc, input) => Emit(spc, input.Left, input.Right));
        }

        private static void Emit(SourceProductionContext context, CompilationModel compilation, ImmutableArray<ScheduledTaskModel> tasks)
        {
            if (!compilation.IsCarillonReferenced)
            {
                return;
            }

            context.CancellationToken.ThrowIfCancellationRequested();
            context.AddSource("Carillon.ScheduleRegistry.g.cs", RegistryEmitter.Emit(compilation, tasks));
            context.AddSource("Carillon.ServiceCollectionExtensions.g.cs", ServiceCollectionEmitter.Emit(compilation, tasks));
        }
    }
}
