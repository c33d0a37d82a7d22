using System.Collections.Immutable;
using Carillon.CompileTime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Carillon.Analyzers
{
    /// <summary>
    /// CRL004 on every <c>[ScheduleVersion]</c>, wherever it is applied (assembly, type or method). Working on the
    /// attribute syntax covers the assembly level too, which symbol actions do not visit.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ScheduleVersionAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.InvalidVersion);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var versionType = start.Compilation.GetTypeByMetadataName(KnownNames.ScheduleVersionAttribute);
                if (versionType is not null)
                {
                    start.RegisterSyntaxNodeAction(node => Analyze(node, versionType), SyntaxKind.Attribute);
                }
            });
        }

        private static void Analyze(SyntaxNodeAnalysisContext context, INamedTypeSymbol versionType)
        {
            var attribute = (AttributeSyntax)context.Node;
            if (attribute.ArgumentList is not { Arguments.Count: > 0 } arguments)
            {
                return;
            }

            // Binding every attribute of the compilation is the costly part; skip those whose name cannot be ours.
            // (A using-alias to ScheduleVersionAttribute is not checked here; the generator still ignores a bad value.)
            var name = attribute.Name is QualifiedNameSyntax qualified ? qualified.Right.Identifier.ValueText
                : attribute.Name is AliasQualifiedNameSyntax aliased ? aliased.Name.Identifier.ValueText
                : (attribute.Name as SimpleNameSyntax)?.Identifier.ValueText;
            if (name != "ScheduleVersion" && name != "ScheduleVersionAttribute")
            {
                return;
            }

            var constructor = context.SemanticModel.GetSymbolInfo(attribute, context.CancellationToken).Symbol as IMethodSymbol;
            if (!SymbolEqualityComparer.Default.Equals(constructor?.ContainingType, versionType))
            {
                return;
            }

            var expression = arguments.Arguments[0].Expression;
            var value = context.SemanticModel.GetConstantValue(expression, context.CancellationToken);
            if (!value.HasValue)
            {
                return;
            }

            var version = value.Value as string;
            if (!VersionRules.IsValid(version))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidVersion, expression.GetLocation(), version ?? "null"));
            }
        }
    }
}
