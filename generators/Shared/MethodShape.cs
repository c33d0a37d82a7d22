using System.Collections.Immutable;

namespace Carillon.CompileTime
{
    internal enum ReturnKind
    {
        Void,
        Task,
        ValueTask,
    }

    internal enum ArgumentKind
    {
        CancellationToken,
        Context,
        RequiredService,
        OptionalService,
    }

    /// <summary>How generated code supplies one parameter of a scheduled method.</summary>
    /// <param name="TypeName">Fully qualified (<c>global::</c>) type name without nullable annotation.</param>
    internal readonly record struct ArgumentBinding(ArgumentKind Kind, string TypeName);

    /// <summary>What the generator needs to call a scheduled method; produced only for supported methods.</summary>
    internal sealed class MethodShape
    {
        public MethodShape(ReturnKind returnKind, bool isStatic, string declaringTypeName, string declaringTypeDisplayName, ImmutableArray<ArgumentBinding> arguments)
        {
            ReturnKind = returnKind;
            IsStatic = isStatic;
            DeclaringTypeName = declaringTypeName;
            DeclaringTypeDisplayName = declaringTypeDisplayName;
            Arguments = arguments;
        }

        public ReturnKind ReturnKind { get; }
        public bool IsStatic { get; }

        /// <summary><c>global::</c>-qualified name for generated code.</summary>
        public string DeclaringTypeName { get; }

        /// <summary>Namespace-qualified name for the descriptor and messages.</summary>
        public string DeclaringTypeDisplayName { get; }
        public ImmutableArray<ArgumentBinding> Arguments { get; }
    }
}
