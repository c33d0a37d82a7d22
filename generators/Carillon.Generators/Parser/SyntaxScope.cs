using System.Collections.Generic;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.Generators.Parser
{
    /// <summary>
    /// What the syntax fast path (issue 14) needs to know about names without binding: the namespaces a declaration
    /// imports or sits in, and how a name is written. Combined with <see cref="UniqueTypeNames"/>, a tracked name that
    /// is in scope this way is the expected type; one that is not is left to the bound path.
    /// </summary>
    internal sealed class SyntaxScope
    {
        private readonly HashSet<string> _globalUsings;

        private SyntaxScope(UniqueTypeNames names, HashSet<string> globalUsings, AttributeNames versionNames)
        {
            Names = names;
            _globalUsings = globalUsings;
            VersionNames = versionNames;
        }

        public UniqueTypeNames Names { get; }

        /// <summary>The names <c>[ScheduleVersion]</c> may be written with: a declaration with one is left to the bound path.</summary>
        public AttributeNames VersionNames { get; }

        /// <summary>The scope, or null when the attribute's own name cannot be trusted in this compilation (then everything is bound).</summary>
        public static SyntaxScope? For(Compilation compilation, CancellationToken cancellationToken)
        {
            var names = UniqueTypeNames.Of(compilation, cancellationToken);
            if (!names.Attribute)
            {
                return null;
            }

            var globalUsings = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var tree in compilation.SyntaxTrees)
            {
                foreach (var directive in ((CompilationUnitSyntax)tree.GetRoot(cancellationToken)).Usings)
                {
                    if (directive.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword) && IsNamespaceImport(directive) && Normalize(directive.Name) is { } name)
                    {
                        globalUsings.Add(name);
                    }
                }
            }

            return new SyntaxScope(names, globalUsings, AttributeNames.For(compilation, "ScheduleVersion", cancellationToken));
        }

        /// <summary>
        /// Whether names declared in namespace <paramref name="ns"/> are in scope at <paramref name="node"/>: it sits in
        /// that namespace or a nested one, or a <c>using</c> of its file, of an enclosing namespace, or a global one
        /// imports it.
        /// </summary>
        public bool Imports(SyntaxNode node, string ns)
        {
            if (_globalUsings.Contains(ns))
            {
                return true;
            }

            var enclosing = new List<string>();
            for (var parent = node.Parent; parent is not null; parent = parent.Parent)
            {
                SyntaxList<UsingDirectiveSyntax> usings;
                switch (parent)
                {
                    case BaseNamespaceDeclarationSyntax declaration:
                        usings = declaration.Usings;
                        if (Normalize(declaration.Name) is { } name)
                        {
                            enclosing.Insert(0, name);
                        }

                        break;
                    case CompilationUnitSyntax unit:
                        usings = unit.Usings;
                        break;
                    default:
                        continue;
                }

                foreach (var directive in usings)
                {
                    if (IsNamespaceImport(directive) && Normalize(directive.Name) == ns)
                    {
                        return true;
                    }
                }
            }

            var full = string.Join(".", enclosing);
            return full == ns || full.StartsWith(ns + ".", System.StringComparison.Ordinal);
        }

        /// <summary>
        /// Whether <paramref name="type"/> names the tracked type <paramref name="simpleName"/> of namespace
        /// <paramref name="ns"/>: its simple name in scope, or qualified by that namespace (optionally <c>global::</c>).
        /// </summary>
        public bool Means(TypeSyntax type, string simpleName, string ns, bool unique)
        {
            if (!unique)
            {
                return false;
            }

            switch (type)
            {
                case IdentifierNameSyntax identifier:
                    return identifier.Identifier.ValueText == simpleName && Imports(type, ns);
                case QualifiedNameSyntax qualified:
                    return qualified.Right is IdentifierNameSyntax right && right.Identifier.ValueText == simpleName && Normalize(qualified.Left) == ns;
                default:
                    return false;
            }
        }

        /// <summary>
        /// The <c>global::</c> name of a service type written as a plain name (<c>IClock</c> with its namespace in
        /// scope, or <c>Bench.IClock</c>), when <see cref="TypeNameIndex"/> says nothing else can have that name; null
        /// when it must be bound. Such a type is a class or an interface, public or declared in source, not generic.
        /// </summary>
        public string? ServiceTypeName(TypeSyntax type)
        {
            if (Names.Index is not { } index)
            {
                return null;
            }

            string name;
            string? ns;
            switch (type)
            {
                case IdentifierNameSyntax identifier:
                    name = identifier.Identifier.ValueText;
                    ns = index.OnlyType(name);
                    if (ns is null || (ns.Length > 0 && !Imports(type, ns)))
                    {
                        return null;
                    }

                    break;
                case QualifiedNameSyntax qualified when qualified.Right is IdentifierNameSyntax right:
                    name = right.Identifier.ValueText;
                    ns = index.OnlyType(name);
                    if (ns is null || ns.Length == 0 || Normalize(qualified.Left) != ns || Leftmost(qualified.Left) is not { } leftmost || !index.OnlyTopLevelNamespace(leftmost))
                    {
                        return null;
                    }

                    break;
                default:
                    return null;
            }

            var full = ns.Length == 0 ? name : ns + "." + name;
            if (full is "System.Threading.CancellationToken" or "Carillon.ScheduledActionContext")
            {
                return null;
            }

            foreach (var part in full.Split('.'))
            {
                // A keyword would be escaped with '@' in the bound type's name.
                if (SyntaxFacts.GetKeywordKind(part) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(part) != SyntaxKind.None)
                {
                    return null;
                }
            }

            return "global::" + full;
        }

        private static string? Leftmost(NameSyntax name)
            => name switch
            {
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                QualifiedNameSyntax qualified => Leftmost(qualified.Left),
                AliasQualifiedNameSyntax aliased when aliased.Alias.Identifier.IsKind(SyntaxKind.GlobalKeyword) => aliased.Name.Identifier.ValueText,
                _ => null,
            };

        /// <summary>A namespace or type name as dotted text without <c>global::</c>; null for any other alias qualifier or a generic name.</summary>
        public static string? Normalize(NameSyntax? name)
        {
            var builder = new StringBuilder();
            return Append(name, builder) ? builder.ToString() : null;
        }

        private static bool Append(NameSyntax? name, StringBuilder builder)
        {
            switch (name)
            {
                case IdentifierNameSyntax identifier:
                    builder.Append(identifier.Identifier.ValueText);
                    return true;
                case QualifiedNameSyntax qualified:
                    if (!Append(qualified.Left, builder))
                    {
                        return false;
                    }

                    builder.Append('.');
                    return Append(qualified.Right, builder);
                case AliasQualifiedNameSyntax aliased when aliased.Alias.Identifier.IsKind(SyntaxKind.GlobalKeyword):
                    return Append(aliased.Name, builder);
                default:
                    return false;
            }
        }

        private static bool IsNamespaceImport(UsingDirectiveSyntax directive)
            => directive.Alias is null && !directive.StaticKeyword.IsKind(SyntaxKind.StaticKeyword) && directive.Name is not null;
    }
}
