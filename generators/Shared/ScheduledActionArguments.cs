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

            result.Cron = attribute.ConstructorArguments[0].Value as string;
            result.IsComplete = true;
            foreach (var named in attribute.NamedArguments)
            {
                var value = named.Value.Value;
                switch (named.Key)
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
        public string EffectiveId(IMethodSymbol method)
            => Id ?? TaskIdRules.DefaultId(method.ContainingType?.Name ?? string.Empty, method.Name);
    }
}
