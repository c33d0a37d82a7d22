using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Carillon.CompileTime
{
    /// <summary>
    /// Which methods can be scheduled (CRL005). The generated registry lives in the same assembly, so "callable from
    /// generated code" means accessible within the assembly; every reason is phrased for the diagnostic message.
    /// </summary>
    internal static class MethodRules
    {
        /// <summary>Namespace-qualified, without <c>global::</c> or <c>@</c> escapes: a name for people and logs, not code.</summary>
        public static readonly SymbolDisplayFormat DisplayFormat =
            SymbolDisplayFormat.FullyQualifiedFormat
                .WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted)
                .RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

        /// <summary>
        /// The types the rules compare with, looked up once per compilation rather than once per method and constructor
        /// (issue 14): each lookup by metadata name searches every referenced assembly.
        /// </summary>
        private static readonly ConditionalWeakTable<Compilation, KnownTypes> s_knownTypes = new ConditionalWeakTable<Compilation, KnownTypes>();

        public static bool TryAnalyze(IMethodSymbol method, Compilation compilation, out MethodShape? shape, out string reason)
        {
            var known = s_knownTypes.GetValue(compilation, c => new KnownTypes(c));
            shape = null;
            var within = compilation.Assembly;
            var type = method.ContainingType;
            if (type is null || method.MethodKind != MethodKind.Ordinary)
            {
                reason = "only ordinary methods of a type can be scheduled (not local functions, accessors or operators)";
                return false;
            }

            if (method.IsGenericMethod)
            {
                reason = "generic methods are not supported";
                return false;
            }

            if (method.IsAbstract)
            {
                reason = "abstract methods are not supported";
                return false;
            }

            for (var t = type; t is not null; t = t.ContainingType)
            {
                if (t.TypeParameters.Length > 0)
                {
                    reason = $"the declaring type '{t.Name}' is generic";
                    return false;
                }
            }

            if (!method.IsStatic && (type.TypeKind != TypeKind.Class || type.IsAbstract))
            {
                reason = $"instance methods need a non-abstract class; '{type.Name}' is {(type.IsAbstract && type.TypeKind == TypeKind.Class ? "abstract" : "not a class")}";
                return false;
            }

            if (!compilation.IsSymbolAccessibleWithin(method, within))
            {
                reason = "the method or its declaring type is not accessible from generated code (make it internal or public)";
                return false;
            }

            if (!TryGetReturnKind(method, known, out var returnKind))
            {
                reason = $"it returns '{method.ReturnType.ToDisplayString()}'; only void, Task and ValueTask are supported";
                return false;
            }

            if (!TryBindParameters(method.Parameters, compilation, known, out var arguments, out reason))
            {
                return false;
            }

            if (!method.IsStatic && !HasServiceConstructor(type, compilation, known))
            {
                reason = $"'{type.Name}' has no public constructor whose parameters can be resolved from services";
                return false;
            }

            shape = new MethodShape(
                returnKind,
                method.IsStatic,
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                type.ToDisplayString(DisplayFormat),
                arguments);
            reason = string.Empty;
            return true;
        }

        private static bool TryGetReturnKind(IMethodSymbol method, KnownTypes known, out ReturnKind kind)
        {
            kind = ReturnKind.Void;
            if (method.ReturnsVoid)
            {
                return true;
            }

            if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                return false;
            }

            return TryGetReturnKind(method.ReturnType, known, out kind);
        }

        private static bool TryGetReturnKind(ITypeSymbol returnType, KnownTypes known, out ReturnKind kind)
        {
            kind = ReturnKind.Void;
            if (SymbolEqualityComparer.Default.Equals(returnType, known.Task))
            {
                kind = ReturnKind.Task;
                return true;
            }

            if (SymbolEqualityComparer.Default.Equals(returnType, known.ValueTask))
            {
                kind = ReturnKind.ValueTask;
                return true;
            }

            return false;
        }

        private static bool TryBindParameters(ImmutableArray<IParameterSymbol> parameters, Compilation compilation, KnownTypes known, out ImmutableArray<ArgumentBinding> bindings, out string reason)
        {
            var builder = ImmutableArray.CreateBuilder<ArgumentBinding>(parameters.Length);
            foreach (var parameter in parameters)
            {
                var defaultsToNull = parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is null;
                if (!TryBindParameter(parameter.Name, parameter.RefKind, parameter.Type, defaultsToNull, compilation, known, out var binding, out reason))
                {
                    bindings = default;
                    return false;
                }

                builder.Add(binding);
            }

            bindings = builder.MoveToImmutable();
            reason = string.Empty;
            return true;
        }

        /// <summary>
        /// How generated code supplies one parameter of a scheduled method or of its type's constructor, or why it
        /// cannot. Shared by the bound rules and the generator's syntax fast path (issue 14), which binds only the
        /// parameter's type.
        /// </summary>
        /// <param name="defaultsToNull">Whether the parameter's default value is <c>null</c>.</param>
        public static bool TryBindParameter(string name, RefKind refKind, ITypeSymbol type, bool defaultsToNull, Compilation compilation, out ArgumentBinding binding, out string reason)
            => TryBindParameter(name, refKind, type, defaultsToNull, compilation, s_knownTypes.GetValue(compilation, c => new KnownTypes(c)), out binding, out reason);

        /// <summary>The kind a bound non-void return type gives, or false when it is neither Task nor ValueTask.</summary>
        public static bool TryGetReturnKind(ITypeSymbol returnType, Compilation compilation, out ReturnKind kind)
            => TryGetReturnKind(returnType, s_knownTypes.GetValue(compilation, c => new KnownTypes(c)), out kind);

        private static bool TryBindParameter(string name, RefKind refKind, ITypeSymbol type, bool defaultsToNull, Compilation compilation, KnownTypes known, out ArgumentBinding binding, out string reason)
        {
            binding = default;
            if (refKind != RefKind.None)
            {
                reason = $"parameter '{name}' is passed by reference (ref, out or in)";
                return false;
            }

            if (type.TypeKind == TypeKind.Pointer || type.TypeKind == TypeKind.FunctionPointer || type.IsRefLikeType || type.TypeKind == TypeKind.Error)
            {
                reason = $"parameter '{name}' has a type that cannot be resolved from services";
                return false;
            }

            if (!compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
            {
                reason = $"parameter '{name}' has a type not accessible from generated code";
                return false;
            }

            var typeName = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            ArgumentKind kind;
            if (SymbolEqualityComparer.Default.Equals(type, known.CancellationToken))
            {
                kind = ArgumentKind.CancellationToken;
            }
            else if (SymbolEqualityComparer.Default.Equals(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), known.Context))
            {
                kind = ArgumentKind.Context;
            }
            else if (type.IsReferenceType && (type.NullableAnnotation == NullableAnnotation.Annotated || defaultsToNull))
            {
                // A nullable or defaulted-to-null service is optional: resolved with GetService, null when absent.
                kind = ArgumentKind.OptionalService;
            }
            else
            {
                kind = ArgumentKind.RequiredService;
            }

            binding = new ArgumentBinding(kind, typeName);
            reason = string.Empty;
            return true;
        }

        /// <summary>
        /// Whether the type has a public constructor whose parameters can all be satisfied from services. Public only: the
        /// service provider constructs the type (it is registered as scoped), and the container calls public constructors only.
        /// </summary>
        private static bool HasServiceConstructor(INamedTypeSymbol type, Compilation compilation, KnownTypes known)
            => type.InstanceConstructors
                .Where(c => c.DeclaredAccessibility == Accessibility.Public)
                .Any(c => TryBindParameters(c.Parameters, compilation, known, out _, out _));

        private sealed class KnownTypes
        {
            public KnownTypes(Compilation compilation)
            {
                Task = compilation.GetTypeByMetadataName(KnownNames.Task);
                ValueTask = compilation.GetTypeByMetadataName(KnownNames.ValueTask);
                CancellationToken = compilation.GetTypeByMetadataName(KnownNames.CancellationToken);
                Context = compilation.GetTypeByMetadataName(KnownNames.ScheduledActionContext);
            }

            public INamedTypeSymbol? Task { get; }

            public INamedTypeSymbol? ValueTask { get; }

            public INamedTypeSymbol? CancellationToken { get; }

            public INamedTypeSymbol? Context { get; }
        }
    }
}
