using Carillon.Generators.Tests.Infrastructure;
using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl002DuplicateIdTests
{
    [Fact]
    public Task Distinct_ids_are_accepted() => Verify.VerifyAsync("""
        public class Jobs
        {
            [ScheduledAction("* * * * *", Id = "a")] public void A() { }
            [ScheduledAction("* * * * *", Id = "b")] public void B() { }
        }
        """);

    [Fact]
    public Task Duplicate_explicit_ids_are_reported_at_every_declaration() => Verify.VerifyAsync("""
        public class Jobs
        {
            [ScheduledAction("* * * * *", Id = {|#0:"same"|})] public void A() { }
            [ScheduledAction("* * * * *", Id = {|#1:"same"|})] public void B() { }
        }
        """,
        Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CRL002").WithLocation(0).WithLocation(1).WithArguments("same", "2 times in this assembly"),
        Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CRL002").WithLocation(1).WithLocation(0).WithArguments("same", "2 times in this assembly"));

    [Fact]
    public Task Explicit_id_equal_to_another_default_id_is_reported() => Verify.VerifyAsync("""
        public class Jobs
        {
            [ScheduledAction("* * * * *", Id = {|#0:"Jobs.B"|})] public void A() { }
            [{|#1:ScheduledAction("* * * * *")|}] public void B() { }
        }
        """,
        Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CRL002").WithLocation(0).WithLocation(1).WithArguments("Jobs.B", "2 times in this assembly"),
        Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerError("CRL002").WithLocation(1).WithLocation(0).WithArguments("Jobs.B", "2 times in this assembly"));

    [Fact]
    public Task Same_method_name_in_different_types_is_not_a_duplicate() => Verify.VerifyAsync("""
        public class A { [ScheduledAction("* * * * *")] public void Run() { } }
        public class B { [ScheduledAction("* * * * *")] public void Run() { } }
        """);
}
