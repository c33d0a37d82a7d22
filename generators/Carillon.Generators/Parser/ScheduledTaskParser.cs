using System.Collections.Generic;
using System.Collections.Immutable;
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
        /// <param name="attributes">The method's <c>[ScheduledAction]</c> attributes written on one of its declarations.</param>
        public static EquatableArray<ScheduledTaskModel> Parse(ISymbol symbol, ImmutableArray<AttributeData> attributes, Compilation compilation, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (symbol is not IMethodSymbol method)
            {
                return EquatableArray<ScheduledTaskModel>.Empty;
            }

            var repeated = RepeatedActionRules.Check(attributes);
            var models = new List<ScheduledTaskModel>(attributes.Length);
            for (var i = 0; i < attributes.Length; i++)
            {
                if (repeated[i] == RepeatedActionProblem.None && ParseOne(compilation, method, attributes[i], cancellationToken) is { } model)
                {
                    models.Add(model);
                }
            }

            return models.ToEquatableArray();
        }

        private static ScheduledTaskModel? ParseOne(Compilation compilation, IMethodSymbol method, AttributeData attribute, CancellationToken cancellationToken)
        {
            var arguments = ScheduledActionArguments.Read(attribute);
            if (!arguments.IsComplete)
            {
                return null;
            }

            var check = ScheduledActionCheck.Run(method, arguments, compilation, includeWarnings: false);
            var memberVersion = VersionResolver.FindMemberVersion(method);
            if (!check.CanGenerate || (memberVersion is not null && !VersionRules.IsValid(memberVersion)))
            {
                return null;
            }

            var shape = check.Shape!;
            var id = check.Id;
            cancellationToken.ThrowIfCancellationRequested();

            // An unknown time zone is only a warning (CRL007): the task is still generated and the runtime decides.
            return Model(id, arguments, memberVersion, shape, method.Name);
        }

        /// <summary>The task's model from its checked arguments and shape; the bound path and the syntax fast path
        /// (<see cref="SyntaxTaskReader"/>) both build it here, so the two cannot disagree on a field.</summary>
        internal static ScheduledTaskModel Model(string id, ScheduledActionArguments arguments, string? version, MethodShape shape, string methodName)
            => new ScheduledTaskModel(
                id,
                arguments.Cron!,
                arguments.TimeZone,
                arguments.AllowOverlap,
                arguments.Timeout,
                arguments.Exclusive,
                arguments.Enabled,
                arguments.Misfire,
                version,
                shape.DeclaringTypeName,
                shape.DeclaringTypeDisplayName,
                methodName,
                shape.IsStatic,
                shape.ReturnKind,
                shape.Arguments.ToEquatableArray(),
                arguments.ConfigurationKey,
                new RetryModel(arguments.Retries, arguments.RetryDelay, arguments.RetryOnTimeout));
    }
}
