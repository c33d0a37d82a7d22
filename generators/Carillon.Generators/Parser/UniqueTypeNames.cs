using System;
using System.Collections.Generic;
using System.Reflection.Metadata;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.Generators.Parser
{
    /// <summary>
    /// The simple type names the generator's syntax fast path reads without binding (issue 14), and whether each can
    /// only mean one type in this compilation: nothing else anywhere (a type at any nesting, a namespace, a type
    /// parameter, a <c>using</c> alias, in source or in any referenced assembly) has that name, and exactly one
    /// referenced assembly, visible without an extern alias, defines the expected type. Then a name written in
    /// source either binds to that type or does not bind at all (a compile error), wherever it is written and
    /// whatever the file imports. Checked once per compilation: one walk of the declarations (no bodies) and one pass
    /// over each reference's metadata type table, which the compiler has already loaded.
    /// </summary>
    internal sealed class UniqueTypeNames
    {
        /// <summary>The names tracked, each with the namespace of its one expected type (null: no type may have it).</summary>
        private static readonly (string Name, string? Namespace)[] s_tracked =
        {
            ("ScheduledActionAttribute", "Carillon"),
            ("ScheduledAction", null),
            ("ScheduledActionAttributeAttribute", null), // [ScheduledActionAttribute] would be ambiguous with it
            ("ScheduledActionContext", "Carillon"),
            ("Task", "System.Threading.Tasks"),
            ("ValueTask", "System.Threading.Tasks"),
            ("CancellationToken", "System.Threading"),
        };

        private readonly bool[] _unique;

        private UniqueTypeNames(bool[] unique) => _unique = unique;

        /// <summary>Whether <c>[ScheduledAction]</c> and <c>[ScheduledActionAttribute]</c> can only be Carillon's.</summary>
        public bool Attribute => _unique[0] && _unique[1] && _unique[2];

        public bool Context => _unique[3];

        public bool Task => _unique[4];

        public bool ValueTask => _unique[5];

        public bool CancellationToken => _unique[6];

        public static UniqueTypeNames Of(Compilation compilation, CancellationToken cancellationToken)
        {
            var conflicts = new bool[s_tracked.Length];
            var expected = new int[s_tracked.Length];
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ScanSource((CompilationUnitSyntax)tree.GetRoot(cancellationToken), conflicts);
            }

            foreach (var reference in compilation.References)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!ScanReference(reference, conflicts, expected))
                {
                    // Not a metadata file (an IDE's reference to another project's compilation): not checked, so no
                    // name is trusted; the generator binds as before.
                    return new UniqueTypeNames(new bool[s_tracked.Length]);
                }
            }

            var unique = new bool[s_tracked.Length];
            for (var i = 0; i < unique.Length; i++)
            {
                unique[i] = !conflicts[i] && (s_tracked[i].Namespace is null ? expected[i] == 0 : expected[i] == 1);
            }

            return new UniqueTypeNames(unique);
        }

        private static int IndexOf(string name)
        {
            for (var i = 0; i < s_tracked.Length; i++)
            {
                if (string.Equals(s_tracked[i].Name, name, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        private static void Conflict(string name, bool[] conflicts)
        {
            var index = IndexOf(name);
            if (index >= 0)
            {
                conflicts[index] = true;
            }
        }

        /// <summary>Source declares its own types, namespaces, type parameters and aliases: any of them with a tracked name conflicts.</summary>
        private static void ScanSource(CompilationUnitSyntax root, bool[] conflicts)
        {
            ScanUsings(root.Usings, conflicts);
            foreach (var externAlias in root.Externs)
            {
                Conflict(externAlias.Identifier.ValueText, conflicts);
            }

            var pending = new Stack<MemberDeclarationSyntax>();
            foreach (var member in root.Members)
            {
                pending.Push(member);
            }

            while (pending.Count > 0)
            {
                switch (pending.Pop())
                {
                    case BaseNamespaceDeclarationSyntax ns:
                        foreach (var part in NameParts(ns.Name))
                        {
                            Conflict(part, conflicts);
                        }

                        ScanUsings(ns.Usings, conflicts);
                        foreach (var member in ns.Members)
                        {
                            pending.Push(member);
                        }

                        break;
                    case BaseTypeDeclarationSyntax type:
                        Conflict(type.Identifier.ValueText, conflicts);
                        if (type is TypeDeclarationSyntax withMembers)
                        {
                            ScanTypeParameters(withMembers.TypeParameterList, conflicts);
                            foreach (var member in withMembers.Members)
                            {
                                pending.Push(member);
                            }
                        }

                        break;
                    case DelegateDeclarationSyntax @delegate:
                        Conflict(@delegate.Identifier.ValueText, conflicts);
                        ScanTypeParameters(@delegate.TypeParameterList, conflicts);
                        break;
                    case MethodDeclarationSyntax method:
                        ScanTypeParameters(method.TypeParameterList, conflicts);
                        break;
                }
            }
        }

        private static void ScanUsings(SyntaxList<UsingDirectiveSyntax> usings, bool[] conflicts)
        {
            foreach (var directive in usings)
            {
                if (directive.Alias is { } alias)
                {
                    Conflict(alias.Name.Identifier.ValueText, conflicts);
                }
            }
        }

        private static void ScanTypeParameters(TypeParameterListSyntax? list, bool[] conflicts)
        {
            if (list is null)
            {
                return;
            }

            foreach (var parameter in list.Parameters)
            {
                Conflict(parameter.Identifier.ValueText, conflicts);
            }
        }

        private static IEnumerable<string> NameParts(NameSyntax name)
        {
            switch (name)
            {
                case QualifiedNameSyntax qualified:
                    foreach (var part in NameParts(qualified.Left))
                    {
                        yield return part;
                    }

                    yield return qualified.Right.Identifier.ValueText;
                    break;
                case SimpleNameSyntax simple:
                    yield return simple.Identifier.ValueText;
                    break;
                default:
                    yield return name.ToString();
                    break;
            }
        }

        /// <summary>Every type definition (nested ones too) and namespace of a metadata reference; false when it has no metadata.</summary>
        private static bool ScanReference(MetadataReference reference, bool[] conflicts, int[] expected)
        {
            if (reference is not PortableExecutableReference executable)
            {
                return false;
            }

            var visible = executable.Properties.Aliases.IsEmpty || executable.Properties.Aliases.Contains("global");
            var metadata = executable.GetMetadata();
            var modules = metadata is AssemblyMetadata assembly ? assembly.GetModules() : System.Collections.Immutable.ImmutableArray.Create((ModuleMetadata)metadata);
            foreach (var module in modules)
            {
                var reader = module.GetMetadataReader();
                ScanNamespace(reader, reader.GetNamespaceDefinitionRoot(), conflicts);
                foreach (var handle in reader.TypeDefinitions)
                {
                    var definition = reader.GetTypeDefinition(handle);
                    var index = IndexOf(reader, definition.Name);
                    if (index < 0)
                    {
                        continue;
                    }

                    var expectedNamespace = s_tracked[index].Namespace;
                    if (visible
                        && expectedNamespace is not null
                        && definition.GetDeclaringType().IsNil
                        && reader.StringComparer.Equals(definition.Namespace, expectedNamespace))
                    {
                        expected[index]++;
                    }
                    else
                    {
                        conflicts[index] = true;
                    }
                }
            }

            return true;
        }

        private static void ScanNamespace(MetadataReader reader, NamespaceDefinition ns, bool[] conflicts)
        {
            foreach (var handle in ns.NamespaceDefinitions)
            {
                var child = reader.GetNamespaceDefinition(handle);
                var index = IndexOf(reader, child.Name);
                if (index >= 0)
                {
                    conflicts[index] = true;
                }

                ScanNamespace(reader, child, conflicts);
            }
        }

        private static int IndexOf(MetadataReader reader, StringHandle name)
        {
            for (var i = 0; i < s_tracked.Length; i++)
            {
                if (reader.StringComparer.Equals(name, s_tracked[i].Name))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
