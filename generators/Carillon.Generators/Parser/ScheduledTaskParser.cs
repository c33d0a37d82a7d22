using System.Collections.Generic;
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
        /// <summary>One model per <c>[ScheduledAction]</c> on the method that passes every rule (issue 12: it may repeat).</summary>
        public static EquatableArray<ScheduledTaskModel> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (context.TargetSymbol is not IMethodSymbol method)
            {
                return EquatableArray<ScheduledTaskModel>.Empty;
            }

            var repeated = RepeatedActionRules.Check(context.Attributes);
            var models = new List<ScheduledTaskModel>(context.Attributes.Length);
            for (var i = 0; i < context.Attributes.Length; i++)
            {
                if (repeated[i] == RepeatedActionProblem.None && ParseOne(context, method, context.Attributes[i], cancellationToken) is { } model)
                {
                    models.Add(model);
                }
            }

            return models.ToEquatableArray();
        }

        private static ScheduledTaskModel? ParseOne(GeneratorAttributeSyntaxContext context, IMethodSymbol method, AttributeData attribute, CancellationToken cancellationToken)
        {
            var arguments = ScheduledActionArguments.Read(attribute);
            if (!arguments.IsComplete)
            {
                return null;
            }

            var check = ScheduledActionCheck.Run(method, arguments, context.SemanticModel.Compilation, includeWarnings: false);
            var memberVersion = VersionResolver.FindMemberVersion(method);
            if (!check.CanGenerate || (memberVersion is not null && !VersionRules.IsValid(memberVersion)))
            {
                return null;
            }

            var shape = check.Shape!;
            var id = check.Id;
            cancellationToken.ThrowIfCancellationRequested();

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
                shape.Arguments.ToEquatableArray(),
                shape.ConstructorArguments.ToEquatableArray(),
                arguments.ConfigurationKey,
                new RetryModel(arguments.Retries, arguments.RetryDelay, arguments.RetryOnTimeout));
        }
    }
}
