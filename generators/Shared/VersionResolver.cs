using Microsoft.CodeAnalysis;

namespace Carillon.CompileTime
{
    /// <summary>The nearest <c>[ScheduleVersion]</c>: method, then declaring types from the inside out.</summary>
    internal static class VersionResolver
    {
        /// <summary>
        /// The method- or type-level version, or null when only the assembly's (or none) applies. The assembly level
        /// is resolved separately so that editing it does not invalidate every per-method result.
        /// </summary>
        public static string? FindMemberVersion(IMethodSymbol method)
        {
            var version = Read(method);
            for (var type = method.ContainingType; version is null && type is not null; type = type.ContainingType)
            {
                version = Read(type);
            }

            return version;
        }

        public static string? Read(ISymbol symbol)
        {
            foreach (var attribute in symbol is IAssemblySymbol assembly ? assembly.GetAttributes() : symbol.GetAttributes())
            {
                // Compared by name parts rather than ToDisplayString: this runs for every attribute of every scheduled
                // method and its types (issue 14).
                if (attribute.AttributeClass is { Name: "ScheduleVersionAttribute", ContainingNamespace: { Name: "Carillon", ContainingNamespace.IsGlobalNamespace: true } }
                    && attribute.ConstructorArguments.Length == 1)
                {
                    return attribute.ConstructorArguments[0].Value as string ?? string.Empty;
                }
            }

            return null;
        }
    }
}
