using Carillon.Analyzers;
using Carillon.CodeFixes;
using Carillon.Generators.Tests.Infrastructure;

namespace Carillon.Generators.Tests.CodeFixes;

public class InvalidTaskIdCodeFixTests
{
    [Fact]
    public Task Invalid_explicit_id_is_replaced_by_its_sanitized_form() => CodeFixVerifier<ScheduledActionAnalyzer, InvalidTaskIdCodeFix>.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Id = {|CRL003:"nightly report/v2"|})] public void Run() { } }
        """, """
        public class Jobs { [ScheduledAction("* * * * *", Id = "nightly_report_v2")] public void Run() { } }
        """);

    [Fact]
    public Task Invalid_default_id_gets_an_explicit_sanitized_id() => CodeFixVerifier<ScheduledActionAnalyzer, InvalidTaskIdCodeFix>.VerifyAsync("""
        public class Café { [{|CRL003:ScheduledAction("* * * * *")|}] public void Run() { } }
        """, """
        public class Café { [ScheduledAction("* * * * *", Id = "Caf_.Run")] public void Run() { } }
        """);

    [Fact]
    public Task Empty_id_is_replaced_by_a_placeholder() => CodeFixVerifier<ScheduledActionAnalyzer, InvalidTaskIdCodeFix>.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Id = {|CRL003:""|})] public void Run() { } }
        """, """
        public class Jobs { [ScheduledAction("* * * * *", Id = "task")] public void Run() { } }
        """);
}
