using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Carillon.Generators.Tests.Infrastructure;

/// <summary>Runs one analyzer over source with diagnostic markup (<c>{|CRL001:...|}</c>) against net10.0 + Carillon.</summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public const string Usings = "using System;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing Carillon;\n";

    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = Usings + source,
            ReferenceAssemblies = TestReferences.Net100,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.Carillon);
        test.SolutionTransforms.Add(AnalyzerVerifier.AllowUnsafe);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}

internal static class AnalyzerVerifier
{
    /// <summary>Lets tests declare pointer parameters (CRL005) without a CS0227 in the way.</summary>
    public static Solution AllowUnsafe(Solution solution, ProjectId projectId)
    {
        var options = (CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
        return solution.WithProjectCompilationOptions(projectId, options.WithAllowUnsafe(true));
    }
}
