using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Carillon.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.CodeFixes
{
    /// <summary>
    /// CRL001 on a cron from another dialect with one exact equivalent (<c>@every 10m</c> → <c>*/10 * * * *</c>, a
    /// Quartz year of <c>*</c> dropped): writes the equivalent in place of the string literal (issue 12).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ForeignCronCodeFix)), Shared]
    public sealed class ForeignCronCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidCron.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (var diagnostic in context.Diagnostics)
            {
                // Only a literal is rewritten: a constant may be shared with other code that means it as written.
                if (root is null
                    || !diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ReplacementProperty, out var replacement)
                    || replacement is null
                    || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
                    || !literal.IsKind(SyntaxKind.StringLiteralExpression))
                {
                    continue;
                }

                var fixedLiteral = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(replacement)).WithTriviaFrom(literal);
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Use cron '{replacement}'",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, fixedLiteral))),
                        equivalenceKey: nameof(ForeignCronCodeFix)),
                    diagnostic);
            }
        }
    }
}
