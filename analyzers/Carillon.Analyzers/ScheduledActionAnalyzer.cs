using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Carillon.Analyzers.Timing;
using Carillon.CompileTime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Carillon.Analyzers
{
    /// <summary>
    /// Checks each <c>[ScheduledAction]</c> method as the user types (CRL001, CRL003, CRL005–CRL008, CRL013, CRL014) and, at the end of
    /// the compilation, task IDs across the assembly and its references (CRL002).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ScheduledActionAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.InvalidCron,
            DiagnosticDescriptors.NeverFires,
            DiagnosticDescriptors.DuplicateTaskId,
            DiagnosticDescriptors.InvalidTaskId,
            DiagnosticDescriptors.UnsupportedMethod,
            DiagnosticDescriptors.NegativeTimeout,
            DiagnosticDescriptors.UnknownTimeZone,
            DiagnosticDescriptors.AsyncVoid,
            DiagnosticDescriptors.OverlapVersusTimeout,
            DiagnosticDescriptors.DaylightSavingTime,
            DiagnosticDescriptors.RepeatedActionId,
            DiagnosticDescriptors.NegativeRetry,
            DiagnosticDescriptors.RetryWithoutRetries);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var attributeType = start.Compilation.GetTypeByMetadataName(KnownNames.ScheduledActionAttribute);
                if (attributeType is null)
                {
                    return;
                }

                var ids = new ConcurrentBag<TaskIdDeclaration>();
                start.RegisterSymbolAction(symbolContext => AnalyzeMethod(symbolContext, attributeType, ids), SymbolKind.Method);

                // Symbol actions never visit local functions, yet the attribute is allowed on them: say why nothing runs.
                start.RegisterSyntaxNodeAction(node => AnalyzeLocalFunction(node, attributeType), SyntaxKind.LocalFunctionStatement);
                start.RegisterCompilationEndAction(end => DuplicateTaskIds.Report(end, ids));
            });
        }

        private static void AnalyzeMethod(SymbolAnalysisContext context, INamedTypeSymbol attributeType, ConcurrentBag<TaskIdDeclaration> ids)
        {
            var method = (IMethodSymbol)context.Symbol;
            var attributes = RepeatedActionRules.Of(method, attributeType);
            var repeated = RepeatedActionRules.Check(attributes);
            for (var i = 0; i < attributes.Length; i++)
            {
                AnalyzeAttribute(context, method, attributes[i], repeated[i], first: i == 0, ids);
            }
        }

        private static void AnalyzeAttribute(SymbolAnalysisContext context, IMethodSymbol method, AttributeData attribute, RepeatedActionProblem repeated, bool first, ConcurrentBag<TaskIdDeclaration> ids)
        {
            var arguments = ScheduledActionArguments.Read(attribute);
            if (!arguments.IsComplete)
            {
                return;
            }

            var syntax = AttributeSyntaxLocator.GetSyntax(attribute, context.CancellationToken);
            var check = ScheduledActionCheck.Run(method, arguments, context.Compilation, includeWarnings: true);
            var idLocation = AttributeSyntaxLocator.Named(syntax, "Id") ?? syntax?.GetLocation() ?? Location.None;
            var idValid = true;
            foreach (var problem in check.Problems)
            {
                if (!first && problem.Kind is ScheduledActionProblemKind.UnsupportedMethod or ScheduledActionProblemKind.AsyncVoid)
                {
                    continue; // about the method, not the attribute: said once
                }

                var (descriptor, location) = problem.Kind switch
                {
                    ScheduledActionProblemKind.InvalidCron => (DiagnosticDescriptors.InvalidCron, AttributeSyntaxLocator.Positional(syntax, 0)),
                    ScheduledActionProblemKind.NeverFires => (DiagnosticDescriptors.NeverFires, AttributeSyntaxLocator.Positional(syntax, 0)),
                    ScheduledActionProblemKind.InvalidTaskId => (DiagnosticDescriptors.InvalidTaskId, idLocation),
                    ScheduledActionProblemKind.NegativeTimeout => (DiagnosticDescriptors.NegativeTimeout, AttributeSyntaxLocator.Named(syntax, "Timeout") ?? idLocation),
                    ScheduledActionProblemKind.NegativeRetry => (DiagnosticDescriptors.NegativeRetry, AttributeSyntaxLocator.Named(syntax, problem.MessageArguments[1]) ?? idLocation),
                    ScheduledActionProblemKind.RetryWithoutRetries => (DiagnosticDescriptors.RetryWithoutRetries, AttributeSyntaxLocator.Named(syntax, problem.MessageArguments[1]) ?? idLocation),
                    ScheduledActionProblemKind.UnknownTimeZone => (DiagnosticDescriptors.UnknownTimeZone, AttributeSyntaxLocator.Named(syntax, "TimeZone") ?? idLocation),
                    ScheduledActionProblemKind.AsyncVoid => (DiagnosticDescriptors.AsyncVoid, ReturnTypeLocation(method, context)),
                    _ => (DiagnosticDescriptors.UnsupportedMethod, method.Locations.Length > 0 ? method.Locations[0] : Location.None),
                };
                idValid &= problem.Kind != ScheduledActionProblemKind.InvalidTaskId;
                var properties = problem.Replacement is null
                    ? null
                    : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.ReplacementProperty, problem.Replacement);
                context.ReportDiagnostic(Diagnostic.Create(descriptor, location, properties, problem.MessageArguments));
            }

            if (check.Problems.All(p => p.Kind is not (ScheduledActionProblemKind.InvalidCron or ScheduledActionProblemKind.NeverFires or ScheduledActionProblemKind.NegativeTimeout)))
            {
                TimingDiagnostics.Report(context, arguments, syntax);
            }

            if (repeated != RepeatedActionProblem.None)
            {
                // A repeated ID on the same method is said here, as the user types; CRL002 would only say it at the end.
                var detail = repeated == RepeatedActionProblem.MissingId
                    ? "this one has none (the default would be the same for every attribute)"
                    : "'" + check.Id + "' is already used by another [ScheduledAction] on it";
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RepeatedActionId, idLocation, method.Name, detail));
                idValid = false;
            }

            if (idValid)
            {
                ids.Add(new TaskIdDeclaration(check.Id, idLocation));
            }
        }

        private static void AnalyzeLocalFunction(SyntaxNodeAnalysisContext context, INamedTypeSymbol attributeType)
        {
            var declaration = (LocalFunctionStatementSyntax)context.Node;
            if (declaration.AttributeLists.Count == 0
                || context.SemanticModel.GetDeclaredSymbol(declaration, context.CancellationToken) is not IMethodSymbol function)
            {
                return;
            }

            foreach (var attribute in function.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsupportedMethod, declaration.Identifier.GetLocation(), function.Name, "local functions cannot be scheduled"));
                    return;
                }
            }
        }

        private static Location ReturnTypeLocation(IMethodSymbol method, SymbolAnalysisContext context)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is MethodDeclarationSyntax declaration)
                {
                    return declaration.ReturnType.GetLocation();
                }
            }

            return method.Locations.Length > 0 ? method.Locations[0] : Location.None;
        }
    }
}
