using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Carillon.CompileTime;
using Carillon.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.Generators.Parser
{
    /// <summary>
    /// The syntax fast path (issue 14): the models of a <c>[ScheduledAction]</c> method read from its declaration,
    /// for the common shape (literal arguments, a non-generic, non-partial class, parameters without modifiers or
    /// defaults), without the method's symbol or its attributes. The compiler binds all of that again for the
    /// compilation with the generated files, so the bound path paid for it twice. A type in a signature is read from
    /// its name when only one thing anywhere has that name (<see cref="UniqueTypeNames"/>, <see cref="TypeNameIndex"/>);
    /// any other is bound, alone, in the class body's scope. Whenever a part is not one
    /// of the shapes read here, <see cref="TryRead"/> returns false and the method is bound as before, so what is
    /// generated is always what the bound path generates (docs/benchmarks-compile-time.md).
    /// </summary>
    internal static class SyntaxTaskReader
    {
        private const string CarillonNamespace = "Carillon";
        private const string TasksNamespace = "System.Threading.Tasks";
        private const string ThreadingNamespace = "System.Threading";

        /// <summary>Reads the method's models; false when something needs binding to be settled.</summary>
        /// <param name="semanticModel">The tree's semantic model, created on first use.</param>
        public static bool TryRead(MethodDeclarationSyntax method, SyntaxScope scope, Compilation compilation, Func<SemanticModel> semanticModel, AttributeNames names, CancellationToken cancellationToken, out List<ScheduledTaskModel> models)
        {
            models = new List<ScheduledTaskModel>();
            if (!TryReadAttributes(method, scope, names, out var attributes))
            {
                return false;
            }

            if (!TryReadNames(method, scope, out var typeName, out var qualifiedName))
            {
                return false;
            }

            var ids = new string?[attributes.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = attributes[i].Id;
            }

            var repeated = RepeatedActionRules.CheckIds(ids);
            var methodName = method.Identifier.ValueText;
            MethodShape? shape = null;
            for (var i = 0; i < attributes.Count; i++)
            {
                var arguments = attributes[i];
                var id = arguments.EffectiveId(typeName, methodName);
                if (repeated[i] != RepeatedActionProblem.None
                    || !ScheduledActionCheck.NoneBlocks(ScheduledActionCheck.CheckArguments(arguments, id, typeName + "." + methodName, includeWarnings: false)))
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (shape is null && !TryReadShape(method, scope, compilation, semanticModel, qualifiedName, out shape))
                {
                    return false;
                }

                models.Add(ScheduledTaskParser.Model(id, arguments, null, shape!, methodName));
            }

            return true;
        }

        /// <summary>
        /// Carillon's attributes on the method, in order, each with literal arguments only. False for anything else
        /// that may be the attribute (an alias, a target such as <c>return:</c>) and for a possible <c>[ScheduleVersion]</c>.
        /// </summary>
        private static bool TryReadAttributes(MethodDeclarationSyntax method, SyntaxScope scope, AttributeNames names, out List<ScheduledActionArguments> attributes)
        {
            attributes = new List<ScheduledActionArguments>();
            foreach (var list in method.AttributeLists)
            {
                foreach (var attribute in list.Attributes)
                {
                    if (scope.VersionNames.MayBe(attribute))
                    {
                        return false;
                    }

                    if (!names.MayBe(attribute))
                    {
                        continue;
                    }

                    if (list.Target is not null || !IsCarillonAttribute(attribute, scope) || !TryReadArguments(attribute, out var arguments))
                    {
                        return false;
                    }

                    attributes.Add(arguments);
                }
            }

            return attributes.Count > 0;
        }

        /// <summary>
        /// <c>ScheduledAction</c> or <c>ScheduledActionAttribute</c>, simple with Carillon in scope or qualified by
        /// <c>Carillon.</c> / <c>global::Carillon.</c>. A verbatim <c>@ScheduledAction</c> is looked up without the
        /// suffix, so it is left to the bound path.
        /// </summary>
        private static bool IsCarillonAttribute(AttributeSyntax attribute, SyntaxScope scope)
        {
            static bool IsName(SimpleNameSyntax name)
                => name is IdentifierNameSyntax && !name.Identifier.Text.StartsWith("@", StringComparison.Ordinal)
                   && name.Identifier.ValueText is "ScheduledAction" or "ScheduledActionAttribute";

            return attribute.Name switch
            {
                IdentifierNameSyntax simple => IsName(simple) && scope.Imports(attribute, CarillonNamespace),
                QualifiedNameSyntax qualified => IsName(qualified.Right) && SyntaxScope.Normalize(qualified.Left) == CarillonNamespace,
                _ => false,
            };
        }

        /// <summary>One positional argument and named ones, each a literal (a negative number counts).</summary>
        private static bool TryReadArguments(AttributeSyntax attribute, out ScheduledActionArguments arguments)
        {
            arguments = null!;
            var list = attribute.ArgumentList;
            if (list is null || list.Arguments.Count == 0)
            {
                return false;
            }

            string? cron = null;
            var named = new List<(string Name, object? Value)>(list.Arguments.Count - 1);
            for (var i = 0; i < list.Arguments.Count; i++)
            {
                var argument = list.Arguments[i];
                if (argument.NameColon is not null || (i == 0) != (argument.NameEquals is null) || !TryReadLiteral(argument.Expression, out var value))
                {
                    return false;
                }

                if (i == 0)
                {
                    if (value is not (string or null))
                    {
                        return false;
                    }

                    cron = (string?)value;
                }
                else
                {
                    named.Add((argument.NameEquals!.Name.Identifier.ValueText, value));
                }
            }

            arguments = ScheduledActionArguments.FromValues(cron, named);
            return true;
        }

        private static bool TryReadLiteral(ExpressionSyntax expression, out object? value)
        {
            switch (expression)
            {
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression)
                    || literal.IsKind(SyntaxKind.TrueLiteralExpression)
                    || literal.IsKind(SyntaxKind.FalseLiteralExpression)
                    || literal.IsKind(SyntaxKind.NullLiteralExpression):
                    value = literal.Token.Value;
                    return true;
                case LiteralExpressionSyntax number when number.IsKind(SyntaxKind.NumericLiteralExpression) && number.Token.Value is int:
                    value = number.Token.Value;
                    return true;
                case PrefixUnaryExpressionSyntax negative when negative.IsKind(SyntaxKind.UnaryMinusExpression)
                    && negative.Operand is LiteralExpressionSyntax operand && operand.IsKind(SyntaxKind.NumericLiteralExpression)
                    && operand.Token.Value is int positive:
                    value = -positive;
                    return true;
                default:
                    value = null;
                    return false;
            }
        }

        /// <summary>The declaring type's simple name and its <c>Namespace.Outer.Inner</c> name, when every part reads plainly.</summary>
        private static bool TryReadNames(MethodDeclarationSyntax method, SyntaxScope scope, out string typeName, out string qualifiedName)
        {
            typeName = qualifiedName = string.Empty;
            var parts = new List<string>();
            for (var parent = method.Parent; parent is not null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case ClassDeclarationSyntax type:
                        // Other parts of a partial type may add attributes, modifiers and constructors; a generic type
                        // is rejected by the rules; both are left to the bound path.
                        if (type.TypeParameterList is not null || HasModifier(type.Modifiers, SyntaxKind.PartialKeyword) || !IsPlain(type.Identifier))
                        {
                            return false;
                        }

                        foreach (var list in type.AttributeLists)
                        {
                            foreach (var attribute in list.Attributes)
                            {
                                if (scope.VersionNames.MayBe(attribute))
                                {
                                    return false;
                                }
                            }
                        }

                        parts.Insert(0, type.Identifier.ValueText);
                        break;
                    case BaseNamespaceDeclarationSyntax ns:
                        if (!TryNamespaceParts(ns.Name, parts))
                        {
                            return false;
                        }

                        break;
                    case CompilationUnitSyntax:
                        break;
                    default:
                        return false;
                }
            }

            typeName = ((ClassDeclarationSyntax)method.Parent!).Identifier.ValueText;
            qualifiedName = string.Join(".", parts);
            return true;
        }

        private static bool TryNamespaceParts(NameSyntax name, List<string> parts)
        {
            var inserted = new List<string>();
            for (var current = name; ;)
            {
                switch (current)
                {
                    case QualifiedNameSyntax qualified when qualified.Right is IdentifierNameSyntax right && IsPlain(right.Identifier):
                        inserted.Insert(0, right.Identifier.ValueText);
                        current = qualified.Left;
                        continue;
                    case IdentifierNameSyntax identifier when IsPlain(identifier.Identifier):
                        inserted.Insert(0, identifier.Identifier.ValueText);
                        parts.InsertRange(0, inserted);
                        return true;
                    default:
                        return false;
                }
            }
        }

        /// <summary>
        /// A name the display formats print as written: no keyword, contextual or not (a keyword would be escaped
        /// with '@' in the <c>global::</c> name).
        /// </summary>
        private static bool IsPlain(SyntaxToken identifier)
        {
            var text = identifier.ValueText;
            return SyntaxFacts.GetKeywordKind(text) == SyntaxKind.None && SyntaxFacts.GetContextualKeywordKind(text) == SyntaxKind.None;
        }

        private static bool TryReadShape(MethodDeclarationSyntax method, SyntaxScope scope, Compilation compilation, Func<SemanticModel> semanticModel, string qualifiedName, out MethodShape? shape)
        {
            shape = null;
            var type = (ClassDeclarationSyntax)method.Parent!;
            var isStatic = HasModifier(method.Modifiers, SyntaxKind.StaticKeyword);
            if (method.TypeParameterList is not null
                || method.ExplicitInterfaceSpecifier is not null
                || HasModifier(method.Modifiers, SyntaxKind.AbstractKeyword)
                || HasModifier(method.Modifiers, SyntaxKind.PartialKeyword)
                || !IsAccessible(method.Modifiers, topLevel: false)
                || (!isStatic && (HasModifier(type.Modifiers, SyntaxKind.AbstractKeyword) || HasModifier(type.Modifiers, SyntaxKind.StaticKeyword) || type.ParameterList is not null)))
            {
                return false;
            }

            for (SyntaxNode? parent = type; parent is ClassDeclarationSyntax declaring; parent = parent.Parent)
            {
                if (!IsAccessible(declaring.Modifiers, topLevel: declaring.Parent is not TypeDeclarationSyntax))
                {
                    return false;
                }
            }

            if (!TryReadReturnKind(method.ReturnType, scope, compilation, semanticModel, out var returnKind)
                || !TryReadParameters(method.ParameterList, scope, compilation, semanticModel, out var arguments, out var unbindable)
                || unbindable)
            {
                return false;
            }

            if (!isStatic && !HasServiceConstructor(type, scope, compilation, semanticModel))
            {
                return false;
            }

            shape = new MethodShape(returnKind, isStatic, "global::" + qualifiedName, qualifiedName, arguments);
            return true;
        }

        private static bool TryReadReturnKind(TypeSyntax returnType, SyntaxScope scope, Compilation compilation, Func<SemanticModel> semanticModel, out ReturnKind kind)
        {
            kind = ReturnKind.Void;
            if (returnType is PredefinedTypeSyntax predefined && predefined.Keyword.IsKind(SyntaxKind.VoidKeyword))
            {
                return true;
            }

            if (returnType is RefTypeSyntax)
            {
                return false;
            }

            if (scope.Means(returnType, "ValueTask", TasksNamespace, scope.Names.ValueTask))
            {
                kind = ReturnKind.ValueTask;
                return true;
            }

            if (scope.Means(returnType, "Task", TasksNamespace, scope.Names.Task))
            {
                kind = ReturnKind.Task;
                return true;
            }

            return BindType(semanticModel, returnType) is { } bound && MethodRules.TryGetReturnKind(bound, compilation, out kind);
        }

        /// <summary>
        /// The bindings of parameters without modifiers, defaults or a nullable annotation. False when one has any of
        /// those (left to the bound path); <paramref name="unbindable"/> when a type cannot be supplied by generated code.
        /// </summary>
        private static bool TryReadParameters(ParameterListSyntax list, SyntaxScope scope, Compilation compilation, Func<SemanticModel> semanticModel, out ImmutableArray<ArgumentBinding> bindings, out bool unbindable)
        {
            bindings = default;
            unbindable = false;
            var builder = ImmutableArray.CreateBuilder<ArgumentBinding>(list.Parameters.Count);
            foreach (var parameter in list.Parameters)
            {
                if (parameter.Modifiers.Count > 0 || parameter.Default is not null || parameter.Type is null or NullableTypeSyntax)
                {
                    return false;
                }

                if (scope.Means(parameter.Type, "CancellationToken", ThreadingNamespace, scope.Names.CancellationToken))
                {
                    builder.Add(new ArgumentBinding(ArgumentKind.CancellationToken, "global::System.Threading.CancellationToken"));
                }
                else if (scope.Means(parameter.Type, "ScheduledActionContext", CarillonNamespace, scope.Names.Context))
                {
                    builder.Add(new ArgumentBinding(ArgumentKind.Context, "global::Carillon.ScheduledActionContext"));
                }
                else if (scope.ServiceTypeName(parameter.Type) is { } service)
                {
                    builder.Add(new ArgumentBinding(ArgumentKind.RequiredService, service));
                }
                else if (BindType(semanticModel, parameter.Type) is { } type
                    && MethodRules.TryBindParameter(parameter.Identifier.ValueText, RefKind.None, type, defaultsToNull: false, compilation, out var binding, out _))
                {
                    builder.Add(binding);
                }
                else
                {
                    unbindable = true;
                    return true;
                }
            }

            bindings = builder.MoveToImmutable();
            return true;
        }

        /// <summary>
        /// The rules' check of the constructors declared in the class (the implicit one when there are none): a public one
        /// whose parameters services can all supply. Two public constructors with the same number of parameters are left
        /// to the bound path, as before the factories were removed (issue 14).
        /// </summary>
        private static bool HasServiceConstructor(ClassDeclarationSyntax type, SyntaxScope scope, Compilation compilation, Func<SemanticModel> semanticModel)
        {
            var candidates = new List<ConstructorDeclarationSyntax>();
            var declared = false;
            foreach (var member in type.Members)
            {
                if (member is ConstructorDeclarationSyntax constructor && !HasModifier(constructor.Modifiers, SyntaxKind.StaticKeyword))
                {
                    declared = true;
                    if (HasModifier(constructor.Modifiers, SyntaxKind.PublicKeyword))
                    {
                        candidates.Add(constructor);
                    }
                }
            }

            if (!declared)
            {
                return true;
            }

            candidates.Sort((a, b) => b.ParameterList.Parameters.Count.CompareTo(a.ParameterList.Parameters.Count));
            for (var i = 1; i < candidates.Count; i++)
            {
                if (candidates[i].ParameterList.Parameters.Count == candidates[i - 1].ParameterList.Parameters.Count)
                {
                    return false;
                }
            }

            foreach (var candidate in candidates)
            {
                if (!TryReadParameters(candidate.ParameterList, scope, compilation, semanticModel, out _, out var unbindable))
                {
                    return false;
                }

                if (!unbindable)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether a member (or a top-level type) with these modifiers is accessible from elsewhere in the assembly:
        /// public, internal or protected internal; a top-level type without an accessibility modifier is internal.
        /// A file-local type is not, from the generated file.
        /// </summary>
        private static bool IsAccessible(SyntaxTokenList modifiers, bool topLevel)
        {
            if (HasModifier(modifiers, SyntaxKind.FileKeyword) || HasModifier(modifiers, SyntaxKind.PrivateKeyword))
            {
                return false;
            }

            if (HasModifier(modifiers, SyntaxKind.PublicKeyword) || HasModifier(modifiers, SyntaxKind.InternalKeyword))
            {
                return true;
            }

            return topLevel && !HasModifier(modifiers, SyntaxKind.ProtectedKeyword);
        }

        /// <summary>
        /// Binds a type written in a member's signature as it binds there, without the member's symbol: at the start of
        /// the declaring class's body, where the same names are in scope (the member is not generic). Binding it in
        /// place would build the member's symbol, and with it every member of the class (issue 14).
        /// </summary>
        private static ITypeSymbol? BindType(Func<SemanticModel> semanticModel, TypeSyntax type)
        {
            for (var node = type.Parent; node is not null; node = node.Parent)
            {
                if (node is ClassDeclarationSyntax declaring)
                {
                    return semanticModel().GetSpeculativeTypeInfo(declaring.OpenBraceToken.Span.End, type, SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
                }
            }

            return null;
        }

        private static bool HasModifier(SyntaxTokenList modifiers, SyntaxKind kind)
        {
            foreach (var modifier in modifiers)
            {
                if (modifier.IsKind(kind))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
