using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Carillon.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.Generators.Parser
{
    /// <summary>
    /// Finds every <c>[ScheduledAction]</c> method of a compilation and parses it, the way Roslyn's attribute lookup
    /// would: a syntactic filter on the attribute's name (its simple name, or any <c>using</c> alias that names it,
    /// directly or through another alias), then reading the methods that pass from syntax where that settles them
    /// (<see cref="SyntaxTaskReader"/>) and binding the others. Methods inside bodies (local
    /// functions) are not looked at: they can never be scheduled, so nothing would be generated for them anyway.
    /// It runs only when <see cref="DeclaredCompilation"/> says the declarations changed (issue 14).
    /// </summary>
    internal static class ScheduledMethodFinder
    {
        public static EquatableArray<ScheduledTaskModel> Find(Compilation compilation, CancellationToken cancellationToken)
        {
            var names = AttributeNames.For(compilation, "ScheduledAction", cancellationToken);

            // Built on the first candidate method only: an assembly without scheduled methods pays nothing for it.
            var scope = new Lazy<SyntaxScope?>(() => SyntaxScope.For(compilation, cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
            var trees = compilation.SyntaxTrees.ToArray();
            var found = new List<ScheduledTaskModel>?[trees.Length];
            if (compilation.Options.ConcurrentBuild && trees.Length > 1)
            {
                // The binding below is most of a build's generator time, and the compiler runs generators on one thread
                // while the other cores wait (issue 14). Roslyn's symbols are thread-safe; each tree's results keep
                // their slot, so the order (and the generated text) is the same as the sequential loop's.
                ForEachTree(trees.Length, i => found[i] = FindIn(trees[i], compilation, names, scope, cancellationToken), cancellationToken);
            }
            else
            {
                for (var i = 0; i < trees.Length; i++)
                {
                    found[i] = FindIn(trees[i], compilation, names, scope, cancellationToken);
                }
            }

            var models = new List<ScheduledTaskModel>();
            foreach (var inTree in found)
            {
                if (inTree is not null)
                {
                    models.AddRange(inTree);
                }
            }

            return models.ToEquatableArray();
        }

        private static List<ScheduledTaskModel>? FindIn(SyntaxTree tree, Compilation compilation, AttributeNames names, Lazy<SyntaxScope?> scope, CancellationToken cancellationToken)
        {
            List<ScheduledTaskModel>? models = null;
            SemanticModel? semanticModel = null;
            SemanticModel Model() => semanticModel ??= compilation.GetSemanticModel(tree);
            foreach (var method in CandidateMethods(tree.GetRoot(cancellationToken), names))
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Read from syntax when that settles everything (issue 14); the bound path below otherwise.
                if (scope.Value is { } syntaxScope && SyntaxTaskReader.TryRead(method, syntaxScope, compilation, Model, names, cancellationToken, out var read))
                {
                    if (read.Count > 0)
                    {
                        (models ??= new List<ScheduledTaskModel>()).AddRange(read);
                    }

                    continue;
                }

                semanticModel ??= compilation.GetSemanticModel(tree);
                if (semanticModel.GetDeclaredSymbol(method, cancellationToken) is not { } symbol)
                {
                    continue;
                }

                var attributes = AttributesOf(symbol, method);
                if (attributes.Length > 0)
                {
                    (models ??= new List<ScheduledTaskModel>()).AddRange(ScheduledTaskParser.Parse(symbol, attributes, compilation, cancellationToken));
                }
            }

            return models;
        }

        /// <summary>Runs <paramref name="body"/> for 0..count-1 in parallel; a failure surfaces as itself, not wrapped.</summary>
        private static void ForEachTree(int count, Action<int> body, CancellationToken cancellationToken)
        {
            try
            {
                Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, body);
            }
            catch (AggregateException e)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
            }
        }

        /// <summary>Methods of types (at any nesting) with an attribute whose name may be <c>[ScheduledAction]</c>.</summary>
        private static IEnumerable<MethodDeclarationSyntax> CandidateMethods(SyntaxNode root, AttributeNames names)
        {
            var pending = new Stack<MemberDeclarationSyntax>();
            foreach (var member in ((CompilationUnitSyntax)root).Members)
            {
                pending.Push(member);
            }

            var found = new List<MethodDeclarationSyntax>();
            while (pending.Count > 0)
            {
                switch (pending.Pop())
                {
                    case BaseNamespaceDeclarationSyntax ns:
                        foreach (var member in ns.Members)
                        {
                            pending.Push(member);
                        }

                        break;
                    case TypeDeclarationSyntax type:
                        foreach (var member in type.Members)
                        {
                            pending.Push(member);
                        }

                        break;
                    case MethodDeclarationSyntax method when HasCandidateAttribute(method, names):
                        found.Add(method);
                        break;
                }
            }

            // Document order, as Roslyn's lookup returns them: the registry lists tasks in this order.
            found.Sort((a, b) => a.SpanStart.CompareTo(b.SpanStart));
            return found;
        }

        private static bool HasCandidateAttribute(MethodDeclarationSyntax method, AttributeNames names)
        {
            foreach (var list in method.AttributeLists)
            {
                foreach (var attribute in list.Attributes)
                {
                    if (names.MayBe(attribute))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Carillon's <c>[ScheduledAction]</c> attributes written on this declaration (a partial method's other part
        /// has its own), compared by name like Roslyn's lookup by metadata name.
        /// </summary>
        private static ImmutableArray<AttributeData> AttributesOf(ISymbol symbol, MethodDeclarationSyntax declaration)
        {
            var builder = ImmutableArray.CreateBuilder<AttributeData>();
            foreach (var attribute in symbol.GetAttributes())
            {
                if (attribute.AttributeClass is { MetadataName: "ScheduledActionAttribute", ContainingNamespace: { Name: "Carillon", ContainingNamespace.IsGlobalNamespace: true } }
                    && attribute.ApplicationSyntaxReference is { } reference
                    && reference.SyntaxTree == declaration.SyntaxTree
                    && declaration.Span.Contains(reference.Span))
                {
                    builder.Add(attribute);
                }
            }

            return builder.ToImmutable();
        }
    }
}
