using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Carillon.CompileTime
{
    /// <summary>Why one of several <c>[ScheduledAction]</c> on a method cannot be a task of its own.</summary>
    internal enum RepeatedActionProblem
    {
        None,
        MissingId,
        RepeatedId,
    }

    /// <summary>
    /// Several <c>[ScheduledAction]</c> on one method (issue 12): each is its own task, so each needs its own explicit
    /// <c>Id</c> (the default <c>{TypeName}.{MethodName}</c> would be the same for all). Shared by the generator, which
    /// emits only the attributes that pass, and the analyzer, which reports the others (CRL012).
    /// </summary>
    internal static class RepeatedActionRules
    {
        /// <summary>The problem of each attribute, in order; all None when the method has a single attribute.</summary>
        public static RepeatedActionProblem[] Check(IReadOnlyList<AttributeData> attributes)
        {
            var ids = new string?[attributes.Count];
            for (var i = 0; i < ids.Length && attributes.Count > 1; i++)
            {
                ids[i] = ScheduledActionArguments.Read(attributes[i]).Id;
            }

            return CheckIds(ids);
        }

        /// <summary>The problem of each attribute from its explicit <c>Id</c> (null when it sets none), in order.</summary>
        public static RepeatedActionProblem[] CheckIds(IReadOnlyList<string?> ids)
        {
            var problems = new RepeatedActionProblem[ids.Count];
            if (ids.Count < 2)
            {
                return problems;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < ids.Count; i++)
            {
                var id = ids[i];
                if (id is null)
                {
                    problems[i] = RepeatedActionProblem.MissingId;
                }
                else if (!seen.Add(id))
                {
                    problems[i] = RepeatedActionProblem.RepeatedId;
                }
            }

            return problems;
        }

        public static ImmutableArray<AttributeData> Of(IMethodSymbol method, INamedTypeSymbol attributeType)
        {
            var builder = ImmutableArray.CreateBuilder<AttributeData>();
            foreach (var attribute in method.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                {
                    builder.Add(attribute);
                }
            }

            return builder.ToImmutable();
        }
    }
}
