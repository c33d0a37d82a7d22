using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Carillon.Generators.Tests.Infrastructure;

internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static Task VerifyAsync(string source, string fixedSource)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = AnalyzerVerifier<TAnalyzer>.Usings + source,
            FixedCode = AnalyzerVerifier<TAnalyzer>.Usings + fixedSource,
            ReferenceAssemblies = TestReferences.Net100,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.Carillon);
        test.SolutionTransforms.Add(AnalyzerVerifier.AllowUnsafe);
        test.FixedState.AdditionalReferences.AddRange(TestReferences.Carillon);
        return test.RunAsync();
    }
}
