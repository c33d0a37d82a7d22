using System.Collections.Immutable;
using System.Linq;
using System.Threading;
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
                    var names = new NameFilter(start.Compilation);
                    start.RegisterSyntaxNodeAction(node => Analyze(node, versionType, names), SyntaxKind.Attribute);
                }
            });
        }

        private static void Analyze(SyntaxNodeAnalysisContext context, INamedTypeSymbol versionType, NameFilter names)
        {
            var attribute = (AttributeSyntax)context.Node;
            if (attribute.ArgumentList is not { Arguments.Count: > 0 } arguments)
            {
                return;
            }

            // Binding every attribute of the compilation is the costly part; skip those whose name cannot be ours.
            if (!names.MayBeScheduleVersion(RightmostName(attribute.Name), context.CancellationToken))
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

        private static string? RightmostName(NameSyntax name) => name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax aliased => aliased.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };

        /// <summary>
        /// The names an attribute can be written with to mean ScheduleVersion: its own, and every using-alias in the
        /// compilation whose target ends with it (file-local or global; a superset is fine, the attribute is bound).
        /// </summary>
        private sealed class NameFilter(Compilation compilation)
        {
            private ImmutableHashSet<string>? _aliases;

            public bool MayBeScheduleVersion(string? name, CancellationToken cancellationToken)
                => name is not null && (IsOwnName(name) || Aliases(cancellationToken).Contains(name));

            private static bool IsOwnName(string name) => name is "ScheduleVersion" or "ScheduleVersionAttribute";

            // Computed once per compilation; concurrent first callers may both compute it, with the same result.
            private ImmutableHashSet<string> Aliases(CancellationToken cancellationToken)
            {
                if (Volatile.Read(ref _aliases) is { } known)
                {
                    return known;
                }

                var aliases = ImmutableHashSet.CreateBuilder<string>();
                foreach (var tree in compilation.SyntaxTrees)
                {
                    var root = tree.GetRoot(cancellationToken);
                    foreach (var directive in root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>())
                    {
                        if (directive.Alias is { } alias && directive.Name is { } target && RightmostName(target) is { } targetName && IsOwnName(targetName))
                        {
                            aliases.Add(alias.Name.Identifier.ValueText);
                        }
                    }
                }

                var computed = aliases.ToImmutable();
                Volatile.Write(ref _aliases, computed);
                return computed;
            }
        }
    }
}
