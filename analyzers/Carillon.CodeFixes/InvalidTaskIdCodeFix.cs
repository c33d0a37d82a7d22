using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Carillon.Analyzers;
using Carillon.CompileTime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.CodeFixes
{
    /// <summary>CRL003: replaces the invalid ID (or the invalid default ID) with a sanitized one.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InvalidTaskIdCodeFix)), Shared]
    public sealed class InvalidTaskIdCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidTaskId.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return;
            }

            var diagnostic = context.Diagnostics[0];
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var attribute = node.FirstAncestorOrSelf<AttributeSyntax>();
            if (attribute is null)
            {
                return;
            }

            var idArgument = attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Id");
            string current;
            if (idArgument is not null)
            {
                var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
                current = model?.GetConstantValue(idArgument.Expression, context.CancellationToken).Value as string ?? string.Empty;
            }
            else
            {
                current = DefaultId(attribute);
            }

            var sanitized = TaskIdRules.Sanitize(current);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use task ID '{sanitized}'",
                    ct => ReplaceAsync(context.Document, root, attribute, idArgument, sanitized, ct),
                    equivalenceKey: nameof(InvalidTaskIdCodeFix)),
                diagnostic);
        }

        private static string DefaultId(AttributeSyntax attribute)
        {
            var method = attribute.FirstAncestorOrSelf<MethodDeclarationSyntax>();
            var type = attribute.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            return TaskIdRules.DefaultId(type?.Identifier.ValueText ?? string.Empty, method?.Identifier.ValueText ?? string.Empty);
        }

        private static Task<Document> ReplaceAsync(Document document, SyntaxNode root, AttributeSyntax attribute, AttributeArgumentSyntax? idArgument, string id, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var literal = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(id));
            SyntaxNode newRoot;
            if (idArgument is not null)
            {
                newRoot = root.ReplaceNode(idArgument.Expression, literal.WithTriviaFrom(idArgument.Expression));
            }
            else
            {
                var argument = SyntaxFactory.AttributeArgument(literal)
                    .WithNameEquals(SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("Id")));
                var list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
                newRoot = root.ReplaceNode(attribute, attribute.WithArgumentList(list.AddArguments(argument)));
            }

            return Task.FromResult(document.WithSyntaxRoot(newRoot));
        }
    }
}
