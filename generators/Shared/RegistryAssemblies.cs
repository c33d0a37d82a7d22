using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Carillon.CompileTime
{
    /// <summary>
    /// The referenced assemblies that can carry an <c>[assembly: ScheduleRegistry]</c>: only those that reference the
    /// assembly defining the attribute. Checking the module's assembly references is a metadata table read, where
    /// decoding every reference's assembly attributes (about 200 of them in a .NET 10 project) was a fixed cost of
    /// every build and of every generator re-run after an edit (issue 14).
    /// </summary>
    internal static class RegistryAssemblies
    {
        public static IEnumerable<IAssemblySymbol> Of(Compilation compilation)
        {
            var attributeAssembly = compilation.GetTypeByMetadataName(KnownNames.ScheduleRegistryAttribute)?.ContainingAssembly.Identity.Name;
            if (attributeAssembly is null)
            {
                yield break;
            }

            foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (References(assembly, attributeAssembly))
                {
                    yield return assembly;
                }
            }
        }

        /// <summary>Whether <paramref name="attribute"/> is <c>ScheduleRegistryAttribute</c>, without formatting its name.</summary>
        public static bool IsRegistryAttribute(AttributeData attribute)
            => attribute.AttributeClass is { Name: "ScheduleRegistryAttribute", ContainingNamespace: { Name: "Carillon", ContainingNamespace.IsGlobalNamespace: true } };

        private static bool References(IAssemblySymbol assembly, string name)
        {
            foreach (var module in assembly.Modules)
            {
                foreach (var identity in module.ReferencedAssemblies)
                {
                    if (string.Equals(identity.Name, name, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }
}
