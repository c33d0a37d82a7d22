using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Carillon.CompileTime;
using Carillon.Generators.Models;
using Microsoft.CodeAnalysis;

namespace Carillon.Generators.Parser
{
    /// <summary>Reads the compilation-wide facts: assembly name and version, runtime presence, referenced registries.</summary>
    internal static class CompilationParser
    {
        public static CompilationModel Parse(Compilation compilation, CancellationToken cancellationToken)
        {
            var assemblyName = compilation.AssemblyName ?? "Assembly";
            var isReferenced = compilation.GetTypeByMetadataName(KnownNames.ScheduledActionAttribute) is not null;
            var version = VersionResolver.Read(compilation.Assembly);
            var registries = new List<ReferencedRegistryModel>();
            if (isReferenced)
            {
                foreach (var assembly in RegistryAssemblies.Of(compilation))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var registry = ReadRegistry(assembly, compilation);
                    if (registry is not null)
                    {
                        registries.Add(registry);
                    }
                }
            }

            return new CompilationModel(
                isReferenced,
                assemblyName,
                SanitizeTypeName(assemblyName),
                VersionRules.IsValid(version) ? version! : KnownNames.DefaultVersion,
                compilation.GetTypeByMetadataName(KnownNames.RuntimeServiceCollectionExtensions) is not null,
                registries.ToEquatableArray());
        }

        /// <summary>The <c>[assembly: ScheduleRegistry(typeof(T), ids...)]</c> a referenced library's generator emitted.</summary>
        public static ReferencedRegistryModel? ReadRegistry(IAssemblySymbol assembly, Compilation compilation)
        {
            foreach (var attribute in assembly.GetAttributes())
            {
                if (!RegistryAssemblies.IsRegistryAttribute(attribute)
                    || attribute.ConstructorArguments.Length != 2
                    || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol type
                    || !compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
                {
                    continue;
                }

                var ids = attribute.ConstructorArguments[1].Kind == TypedConstantKind.Array
                    ? attribute.ConstructorArguments[1].Values.Select(v => v.Value as string).Where(v => v is not null).Select(v => v!)
                    : Enumerable.Empty<string>();
                return new ReferencedRegistryModel(
                    assembly.Identity.Name,
                    type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                    ids.ToEquatableArray());
            }

            return null;
        }

        /// <summary>An identifier made of the assembly name: letters, digits and '_' only, never starting with a digit.</summary>
        public static string SanitizeTypeName(string assemblyName)
        {
            var builder = new StringBuilder(assemblyName.Length + 1);
            foreach (var c in assemblyName)
            {
                builder.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
            }

            if (builder.Length == 0 || char.IsDigit(builder[0]))
            {
                builder.Insert(0, '_');
            }

            return builder.ToString();
        }
    }
}
