using System.Linq;
using System.Threading;
using Carillon.CompileTime;
using Carillon.Generators.Models;
using Microsoft.CodeAnalysis;

namespace Carillon.Generators.Parser
{
    /// <summary>
    /// Turns one <c>[ScheduledAction]</c> method into a model, or null when any rule rejects it: the analyzers report
    /// why, and the generator emits nothing for it so a bad attribute never cascades into errors in generated code.
    /// </summary>
    internal static class ScheduledTaskParser
    {
        public static ScheduledTaskModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (context.TargetSymbol is not IMethodSymbol method || context.Attributes.Length != 1)
            {
                return null;
            }

            var arguments = ScheduledActionArguments.Read(context.Attributes[0]);
            if (!arguments.IsComplete || !CronRules.TryValidate(arguments.Cron, out _))
            {
                return null;
            }

            var id = arguments.EffectiveId(method);
            if (!TaskIdRules.IsValid(id) || arguments.Timeout < 0)
            {
                return null;
            }

            var memberVersion = VersionResolver.FindMemberVersion(method);
            if (memberVersion is not null && !VersionRules.IsValid(memberVersion))
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!MethodRules.TryAnalyze(method, context.SemanticModel.Compilation, out var shape, out _) || shape is null)
            {
                return null;
            }

            // An unknown time zone is only a warning (CRL007): the task is still generated and the runtime decides.
            return new ScheduledTaskModel(
                id,
                arguments.Cron!,
                arguments.TimeZone,
                arguments.AllowOverlap,
                arguments.Timeout,
                arguments.Exclusive,
                arguments.Enabled,
                arguments.Misfire,
                memberVersion,
                shape.DeclaringTypeName,
                shape.DeclaringTypeDisplayName,
                method.Name,
                shape.IsStatic,
                shape.ReturnKind,
                shape.Arguments.Select(a => new ArgumentModel(a.Kind, a.TypeName)).ToEquatableArray(),
                shape.ConstructorArguments.Select(a => new ArgumentModel(a.Kind, a.TypeName)).ToEquatableArray());
        }
    }
}
