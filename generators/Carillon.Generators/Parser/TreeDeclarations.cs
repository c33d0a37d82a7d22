using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.Generators.Parser
{
    /// <summary>
    /// Everything in one syntax tree that binding a declaration can depend on, as text: every token outside member
    /// bodies, every preprocessor directive in its place (including those inside bodies: <c>#nullable</c> applies to
    /// the rest of the file), and the parse options. A method-body edit leaves it equal, so the binding step keyed on it
    /// does not run again (issue 14, docs/benchmarks-compile-time.md "The syntax-keyed pipeline").
    /// </summary>
    /// <param name="Text">The tokens, separated by spaces, with a marker where a body was left out.</param>
    internal sealed record TreeDeclarations(string Text, ParseOptions Options)
    {
        private const string BodyMarker = " {…}";

        /// <summary>Reads one tree; syntax only, so it costs one walk of that file and no binding.</summary>
        public static TreeDeclarations Read(SyntaxTree tree, CancellationToken cancellationToken)
        {
            var builder = new StringBuilder();
            Append(tree.GetRoot(cancellationToken), builder, cancellationToken);
            return new TreeDeclarations(builder.ToString(), tree.Options);
        }

        private static void Append(SyntaxNode node, StringBuilder builder, CancellationToken cancellationToken)
        {
            foreach (var child in node.ChildNodesAndTokens())
            {
                if (child.IsToken)
                {
                    var token = child.AsToken();
                    if (token.ContainsDirectives)
                    {
                        AppendDirectives(token.LeadingTrivia, builder);
                    }

                    builder.Append(' ').Append(token.Text);
                    continue;
                }

                var childNode = child.AsNode()!;
                if (IsBody(childNode))
                {
                    builder.Append(BodyMarker);
                    if (childNode.ContainsDirectives)
                    {
                        AppendDirectives(childNode.DescendantTrivia(), builder);
                    }

                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                Append(childNode, builder, cancellationToken);
            }
        }

        private static void AppendDirectives(System.Collections.Generic.IEnumerable<SyntaxTrivia> trivia, StringBuilder builder)
        {
            foreach (var item in trivia)
            {
                if (item.IsDirective)
                {
                    builder.Append(' ').Append(item.ToString()).Append('\n');
                }
            }
        }

        /// <summary>
        /// Code whose content no declaration can see: bodies of methods, constructors, operators and accessors,
        /// expression bodies, and top-level statements (only their presence matters, which the marker keeps).
        /// Field, property and enum-member initializers stay: a constant a cron or timeout names is one of them.
        /// </summary>
        private static bool IsBody(SyntaxNode node)
            => node.Parent switch
            {
                BaseMethodDeclarationSyntax or AccessorDeclarationSyntax => node is BlockSyntax or ArrowExpressionClauseSyntax,
                BasePropertyDeclarationSyntax => node is ArrowExpressionClauseSyntax,
                _ => node is GlobalStatementSyntax,
            };
    }
}
