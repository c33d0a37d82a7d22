using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.Generators.Parser
{
    /// <summary>
    /// The names an attribute can be written with in a compilation's source, the way Roslyn's attribute lookup filters
    /// syntax before binding: its simple name with or without the <c>Attribute</c> suffix, and every <c>using</c> alias
    /// that names it, directly or through another alias. A superset is fine: what passes is bound.
    /// </summary>
    internal sealed class AttributeNames
    {
        private const string AttributeSuffix = "Attribute";
        private readonly HashSet<string> _names;

        private AttributeNames(HashSet<string> names) => _names = names;

        /// <param name="simpleName">The attribute's name without the suffix, for example <c>ScheduledAction</c>.</param>
        public static AttributeNames For(Compilation compilation, string simpleName, CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(System.StringComparer.Ordinal) { simpleName, simpleName + AttributeSuffix };
            var aliases = new List<(string Alias, string Target)>();
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var root = (CompilationUnitSyntax)tree.GetRoot(cancellationToken);
                CollectAliases(root.Usings, aliases);
                foreach (var ns in Namespaces(root))
                {
                    CollectAliases(ns.Usings, aliases);
                }
            }

            // An alias may name another alias (using A = B; where B is itself an alias): repeat until nothing is added.
            for (var added = true; added;)
            {
                added = false;
                foreach (var (alias, target) in aliases)
                {
                    if (!names.Contains(alias) && names.Contains(target))
                    {
                        names.Add(alias);
                        added = true;
                    }
                }
            }

            return new AttributeNames(names);
        }

        /// <summary>Whether <paramref name="attribute"/> may be this attribute, by its name alone.</summary>
        public bool MayBe(AttributeSyntax attribute)
        {
            var name = RightmostName(attribute.Name);
            return _names.Contains(name) || _names.Contains(name + AttributeSuffix);
        }

        private static void CollectAliases(SyntaxList<UsingDirectiveSyntax> usings, List<(string Alias, string Target)> aliases)
        {
            foreach (var directive in usings)
            {
                if (directive.Alias is { } alias && directive.Name is { } target)
                {
                    aliases.Add((alias.Name.Identifier.ValueText, RightmostName(target)));
                }
            }
        }

        private static IEnumerable<BaseNamespaceDeclarationSyntax> Namespaces(CompilationUnitSyntax root)
        {
            foreach (var member in root.Members)
            {
                if (member is BaseNamespaceDeclarationSyntax ns)
                {
                    foreach (var nested in NamespaceAndNested(ns))
                    {
                        yield return nested;
                    }
                }
            }
        }

        private static IEnumerable<BaseNamespaceDeclarationSyntax> NamespaceAndNested(BaseNamespaceDeclarationSyntax ns)
        {
            yield return ns;
            foreach (var member in ns.Members)
            {
                if (member is BaseNamespaceDeclarationSyntax nested)
                {
                    foreach (var inner in NamespaceAndNested(nested))
                    {
                        yield return inner;
                    }
                }
            }
        }

        private static string RightmostName(NameSyntax name)
            => name switch
            {
                QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
                AliasQualifiedNameSyntax aliased => aliased.Name.Identifier.ValueText,
                SimpleNameSyntax simple => simple.Identifier.ValueText,
                _ => name.ToString(),
            };
    }
}
