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
    /// over each reference's metadata type table, which the compiler has already loaded; the same pass fills
    /// <see cref="TypeNameIndex"/> for every other name.
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

        private UniqueTypeNames(bool[] unique, TypeNameIndex? index)
        {
            _unique = unique;
            Index = index;
        }

        /// <summary>Every other name, for service types written plainly; null when the references could not be read.</summary>
        public TypeNameIndex? Index { get; }

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
            var index = new TypeNameIndex();
            foreach (var tree in compilation.SyntaxTrees)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ScanSource((CompilationUnitSyntax)tree.GetRoot(cancellationToken), conflicts, index);
            }

            foreach (var reference in compilation.References)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!ScanReference(reference, conflicts, expected, index))
                {
                    // Not a metadata file (an IDE's reference to another project's compilation): not checked, so no
                    // name is trusted; the generator binds as before.
                    return new UniqueTypeNames(new bool[s_tracked.Length], null);
                }
            }

            var unique = new bool[s_tracked.Length];
            for (var i = 0; i < unique.Length; i++)
            {
                unique[i] = !conflicts[i] && (s_tracked[i].Namespace is null ? expected[i] == 0 : expected[i] == 1);
            }

            return new UniqueTypeNames(unique, index);
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
        private static void ScanSource(CompilationUnitSyntax root, bool[] conflicts, TypeNameIndex index)
        {
            ScanUsings(root.Usings, conflicts, index);
            foreach (var externAlias in root.Externs)
            {
                Other(externAlias.Identifier.ValueText, conflicts, index);
            }

            var pending = new Stack<(MemberDeclarationSyntax Member, string Namespace, bool InType)>();
            foreach (var member in root.Members)
            {
                pending.Push((member, string.Empty, false));
            }

            while (pending.Count > 0)
            {
                var (next, enclosing, inType) = pending.Pop();
                switch (next)
                {
                    case BaseNamespaceDeclarationSyntax ns:
                        var topLevel = ns.Parent is CompilationUnitSyntax;
                        foreach (var part in NameParts(ns.Name))
                        {
                            Conflict(part, conflicts);
                            index.AddNamespace(part, topLevel);
                            topLevel = false;
                        }

                        ScanUsings(ns.Usings, conflicts, index);
                        var name = SyntaxScope.Normalize(ns.Name) ?? ns.Name.ToString();
                        foreach (var member in ns.Members)
                        {
                            pending.Push((member, enclosing.Length == 0 ? name : enclosing + "." + name, false));
                        }

                        break;
                    case BaseTypeDeclarationSyntax type:
                        var generic = type is TypeDeclarationSyntax { TypeParameterList: not null };
                        Declared(type.Identifier.ValueText, enclosing, inType || generic, IsUsable(type), conflicts, index);
                        if (type is TypeDeclarationSyntax withMembers)
                        {
                            ScanTypeParameters(withMembers.TypeParameterList, conflicts, index);
                            foreach (var member in withMembers.Members)
                            {
                                pending.Push((member, enclosing, true));
                            }
                        }

                        break;
                    case DelegateDeclarationSyntax @delegate:
                        Declared(@delegate.Identifier.ValueText, enclosing, inType || @delegate.TypeParameterList is not null, !HasFileModifier(@delegate.Modifiers), conflicts, index);
                        ScanTypeParameters(@delegate.TypeParameterList, conflicts, index);
                        break;
                    case MethodDeclarationSyntax method:
                        ScanTypeParameters(method.TypeParameterList, conflicts, index);
                        break;
                }
            }
        }

        /// <summary>A type declared in source: a top-level non-generic one is indexed by name, any other only blocks its name.</summary>
        private static void Declared(string name, string ns, bool nestedOrGeneric, bool usable, bool[] conflicts, TypeNameIndex index)
        {
            Conflict(name, conflicts);
            if (nestedOrGeneric)
            {
                index.AddOther(name);
            }
            else
            {
                index.AddType(ns, name, usable);
            }
        }

        /// <summary>A class (not static) or an interface that no file-local modifier hides: a type a service can have.</summary>
        private static bool IsUsable(BaseTypeDeclarationSyntax type)
            => !HasFileModifier(type.Modifiers)
               && type switch
               {
                   ClassDeclarationSyntax => true,
                   InterfaceDeclarationSyntax => true,
                   RecordDeclarationSyntax record => !record.ClassOrStructKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StructKeyword),
                   _ => false,
               };

        private static bool HasFileModifier(SyntaxTokenList modifiers)
        {
            foreach (var modifier in modifiers)
            {
                if (modifier.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.FileKeyword) || modifier.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StaticKeyword))
                {
                    return true;
                }
            }

            return false;
        }

        private static void Other(string name, bool[] conflicts, TypeNameIndex index)
        {
            Conflict(name, conflicts);
            index.AddOther(name);
        }

        private static void ScanUsings(SyntaxList<UsingDirectiveSyntax> usings, bool[] conflicts, TypeNameIndex index)
        {
            foreach (var directive in usings)
            {
                if (directive.Alias is { } alias)
                {
                    Other(alias.Name.Identifier.ValueText, conflicts, index);
                }
            }
        }

        private static void ScanTypeParameters(TypeParameterListSyntax? list, bool[] conflicts, TypeNameIndex index)
        {
            if (list is null)
            {
                return;
            }

            foreach (var parameter in list.Parameters)
            {
                Other(parameter.Identifier.ValueText, conflicts, index);
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
        private static bool ScanReference(MetadataReference reference, bool[] conflicts, int[] expected, TypeNameIndex index)
        {
            if (reference is not PortableExecutableReference executable)
            {
                return false;
            }

            var visible = executable.Properties.Aliases.IsEmpty || executable.Properties.Aliases.Contains("global");
            System.Collections.Immutable.ImmutableArray<ModuleMetadata> modules;
            try
            {
                var metadata = executable.GetMetadata();
                modules = metadata is AssemblyMetadata assembly ? assembly.GetModules() : System.Collections.Immutable.ImmutableArray.Create((ModuleMetadata)metadata);
            }
            catch (Exception e) when (e is System.IO.IOException or BadImageFormatException or InvalidOperationException or NotSupportedException or UnauthorizedAccessException)
            {
                // A reference the compiler cannot read either (it reports it): not checked, so nothing is trusted.
                return false;
            }

            foreach (var module in modules)
            {
                var reader = module.GetMetadataReader();
                ScanNamespace(reader, reader.GetNamespaceDefinitionRoot(), topLevel: true, conflicts, index);
                foreach (var handle in reader.TypeDefinitions)
                {
                    var definition = reader.GetTypeDefinition(handle);
                    AddToIndex(reader, definition, visible, index);
                    var tracked = IndexOf(reader, definition.Name);
                    if (tracked < 0)
                    {
                        continue;
                    }

                    var expectedNamespace = s_tracked[tracked].Namespace;
                    if (visible
                        && expectedNamespace is not null
                        && definition.GetDeclaringType().IsNil
                        && reader.StringComparer.Equals(definition.Namespace, expectedNamespace))
                    {
                        expected[tracked]++;
                    }
                    else
                    {
                        conflicts[tracked] = true;
                    }
                }
            }

            return true;
        }

        private static void ScanNamespace(MetadataReader reader, NamespaceDefinition ns, bool topLevel, bool[] conflicts, TypeNameIndex index)
        {
            foreach (var handle in ns.NamespaceDefinitions)
            {
                var child = reader.GetNamespaceDefinition(handle);
                var tracked = IndexOf(reader, child.Name);
                if (tracked >= 0)
                {
                    conflicts[tracked] = true;
                }

                index.AddNamespace(reader.GetString(child.Name), topLevel);
                ScanNamespace(reader, child, topLevel: false, conflicts, index);
            }
        }

        /// <summary>
        /// A type definition of a reference: top-level non-generic ones by name, with whether source can use it as a
        /// service (public, and a class or an interface); nested and generic ones only block their name.
        /// </summary>
        private static void AddToIndex(MetadataReader reader, TypeDefinition definition, bool visible, TypeNameIndex index)
        {
            var name = reader.GetString(definition.Name);
            var tick = name.IndexOf('`');
            if (tick >= 0 || !definition.GetDeclaringType().IsNil)
            {
                index.AddOther(tick >= 0 ? name.Substring(0, tick) : name);
                return;
            }

            var attributes = definition.Attributes;
            var usable = visible
                && (attributes & System.Reflection.TypeAttributes.VisibilityMask) == System.Reflection.TypeAttributes.Public
                && ((attributes & System.Reflection.TypeAttributes.Interface) != 0 || !IsValueType(reader, definition.BaseType));
            index.AddType(reader.GetString(definition.Namespace), name, usable);
        }

        /// <summary>Whether a base type is System.ValueType or System.Enum (a struct or an enum; either may be ref-like or not a service).</summary>
        private static bool IsValueType(MetadataReader reader, EntityHandle baseType)
        {
            StringHandle name;
            StringHandle ns;
            if (baseType.IsNil)
            {
                return false; // System.Object, or an interface
            }

            switch (baseType.Kind)
            {
                case HandleKind.TypeReference:
                    var reference = reader.GetTypeReference((TypeReferenceHandle)baseType);
                    (name, ns) = (reference.Name, reference.Namespace);
                    break;
                case HandleKind.TypeDefinition:
                    var definition = reader.GetTypeDefinition((TypeDefinitionHandle)baseType);
                    (name, ns) = (definition.Name, definition.Namespace);
                    break;
                default:
                    return false;
            }

            return reader.StringComparer.Equals(ns, "System")
                && (reader.StringComparer.Equals(name, "ValueType") || reader.StringComparer.Equals(name, "Enum"));
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
