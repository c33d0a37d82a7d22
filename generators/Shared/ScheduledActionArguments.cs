using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Carillon.CompileTime
{
    /// <summary>The values written in one <c>[ScheduledAction]</c>, with the attribute's defaults applied.</summary>
    internal sealed class ScheduledActionArguments
    {
        public string? Cron { get; private set; }
        public string? Id { get; private set; }
        public bool AllowOverlap { get; private set; }
        public int Timeout { get; private set; }
        public bool Exclusive { get; private set; } = true;
        public bool Enabled { get; private set; } = true;
        public string? TimeZone { get; private set; }
        public int Misfire { get; private set; }
        public string? ConfigurationKey { get; private set; }
        public int Retries { get; private set; }
        public int RetryDelay { get; private set; } = 10;
        public bool RetryOnTimeout { get; private set; }

        /// <summary>True when the attribute sets <c>RetryDelay</c> itself (CRL014: it means nothing without <c>Retries</c>).</summary>
        public bool RetryDelayWritten { get; private set; }

        /// <summary>False when the attribute does not bind (a compile error the compiler reports itself).</summary>
        public bool IsComplete { get; private set; }

        public static ScheduledActionArguments Read(AttributeData attribute)
        {
            var result = new ScheduledActionArguments();
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
            {
                return result;
            }

            var named = new (string Name, object? Value)[attribute.NamedArguments.Length];
            for (var i = 0; i < named.Length; i++)
            {
                named[i] = (attribute.NamedArguments[i].Key, attribute.NamedArguments[i].Value.Value);
            }

            return FromValues(attribute.ConstructorArguments[0].Value as string, named);
        }

        /// <summary>
        /// The arguments from their constant values: the cron, and each named argument's name and value (an enum's
        /// underlying value), as written. The one reading of the values for the bound attribute and for the
        /// generator's syntax fast path (issue 14), so the two cannot disagree.
        /// </summary>
        public static ScheduledActionArguments FromValues(string? cron, IReadOnlyList<(string Name, object? Value)> named)
        {
            var result = new ScheduledActionArguments { Cron = cron, IsComplete = true };
            foreach (var (name, value) in named)
            {
                switch (name)
                {
                    case "Id":
                        result.Id = value as string;
                        break;
                    case "AllowOverlap":
                        result.AllowOverlap = value is true;
                        break;
                    case "Timeout":
                        result.Timeout = value is int timeout ? timeout : 0;
                        break;
                    case "Exclusive":
                        result.Exclusive = value is not false;
                        break;
                    case "Enabled":
                        result.Enabled = value is not false;
                        break;
                    case "TimeZone":
                        result.TimeZone = value as string;
                        break;
                    case "ConfigurationKey":
                        result.ConfigurationKey = value as string;
                        break;
                    case "Misfire":
                        result.Misfire = value is int misfire ? misfire : 0;
                        break;
                    case "Retries":
                        result.Retries = value is int retries ? retries : 0;
                        break;
                    case "RetryDelay":
                        result.RetryDelay = value is int retryDelay ? retryDelay : 10;
                        result.RetryDelayWritten = true;
                        break;
                    case "RetryOnTimeout":
                        result.RetryOnTimeout = value is true;
                        break;
                }
            }

            return result;
        }

        /// <summary>The effective task ID: the explicit one, or <c>{TypeName}.{MethodName}</c>.</summary>
        public string EffectiveId(IMethodSymbol method) => EffectiveId(method.ContainingType?.Name ?? string.Empty, method.Name);

        /// <summary>The effective task ID from the declaring type's and the method's simple names.</summary>
        public string EffectiveId(string typeName, string methodName) => Id ?? TaskIdRules.DefaultId(typeName, methodName);
    }
}
