using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Carillon.CompileTime;
using Carillon.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.Generators.Parser
{
    /// <summary>Reads the compilation-wide facts: assembly name and version, runtime presence, referenced registries.</summary>
    internal static class CompilationParser
    {
        public static CompilationModel Parse(Compilation compilation, CancellationToken cancellationToken)
        {
            var assemblyName = compilation.AssemblyName ?? "Assembly";
            var isReferenced = compilation.GetTypeByMetadataName(KnownNames.ScheduledActionAttribute) is not null;
            var version = MayDeclareAssemblyVersion(compilation, cancellationToken) ? VersionResolver.Read(compilation.Assembly) : null;
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

        /// <summary>
        /// Whether an <c>[assembly: …]</c> attribute in source may be <c>[ScheduleVersion]</c>, by name. Binding the
        /// assembly's attributes binds every one of them (the SDK writes several per project) in a compilation the
        /// compiler then builds again with the generated files, so it is done only when one may be ours (issue 14).
        /// </summary>
        private static bool MayDeclareAssemblyVersion(Compilation compilation, CancellationToken cancellationToken)
        {
            AttributeNames? names = null;
            foreach (var tree in compilation.SyntaxTrees)
            {
                foreach (var list in ((CompilationUnitSyntax)tree.GetRoot(cancellationToken)).AttributeLists)
                {
                    if (list.Target is not { } target || !target.Identifier.IsKind(SyntaxKind.AssemblyKeyword))
                    {
                        continue;
                    }

                    names ??= AttributeNames.For(compilation, "ScheduleVersion", cancellationToken);
                    foreach (var attribute in list.Attributes)
                    {
                        if (names.MayBe(attribute))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
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
