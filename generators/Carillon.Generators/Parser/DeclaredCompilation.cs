using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Carillon.Generators.Models;
using Microsoft.CodeAnalysis;

namespace Carillon.Generators.Parser
{
    /// <summary>
    /// A compilation together with what its declarations' symbols depend on: every tree's declarations, the references
    /// and the options. <see cref="SameDeclarations"/> compares only that key, so the driver keeps the earlier
    /// compilation and reports the step unchanged after an edit inside a method body; the binding steps after it then
    /// do not run (issue 14). Whatever the binding reads (attributes, signatures, constants, constructors, nullability)
    /// is in the key, so a result computed on the kept compilation is the one the new compilation would give. The cost
    /// is that the driver holds that earlier compilation (which shares all unchanged trees with the current one) until
    /// the declarations change.
    /// </summary>
    internal sealed class DeclaredCompilation
    {
        public DeclaredCompilation(Compilation compilation, ImmutableArray<TreeDeclarations> declarations)
        {
            Compilation = compilation;
            Declarations = declarations.ToEquatableArray();
            References = compilation.ExternalReferences;
        }

        /// <summary>Compares the key only: two compilations with equal declarations bind the same way.</summary>
        public static IEqualityComparer<DeclaredCompilation> SameDeclarations { get; } = new KeyComparer();

        public Compilation Compilation { get; }

        private EquatableArray<TreeDeclarations> Declarations { get; }

        private ImmutableArray<MetadataReference> References { get; }

        private sealed class KeyComparer : IEqualityComparer<DeclaredCompilation>
        {
            public bool Equals(DeclaredCompilation? x, DeclaredCompilation? y)
            {
                if (ReferenceEquals(x, y))
                {
                    return true;
                }

                if (x is null || y is null)
                {
                    return false;
                }

                // References are compared by identity: a host reuses a reference while its content is the same, and a
                // new instance only costs one more binding pass. ExternalReferences, not References: the latter binds the
                // new compilation's reference manager; #r directives (scripts only) are in the declarations anyway.
                return string.Equals(x.Compilation.AssemblyName, y.Compilation.AssemblyName, StringComparison.Ordinal)
                    && (ReferenceEquals(x.Compilation.Options, y.Compilation.Options) || x.Compilation.Options.Equals(y.Compilation.Options))
                    && x.References.SequenceEqual(y.References, ReferenceEqualityComparer.Instance)
                    && x.Declarations.Equals(y.Declarations);
            }

            public int GetHashCode(DeclaredCompilation obj) => obj.Declarations.Count;
        }

        private sealed class ReferenceEqualityComparer : IEqualityComparer<MetadataReference>
        {
            public static readonly ReferenceEqualityComparer Instance = new();

            public bool Equals(MetadataReference? x, MetadataReference? y) => ReferenceEquals(x, y);

            public int GetHashCode(MetadataReference obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
        }
    }
}
