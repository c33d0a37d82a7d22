using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl005UnsupportedMethodTests
{
    [Fact]
    public Task Supported_signatures_are_accepted() => Verify.VerifyAsync("""
        public interface IClock { }
        public class Jobs
        {
            public Jobs(IClock clock) { }
            [ScheduledAction("* * * * *", Id = "a")] public void A() { }
            [ScheduledAction("* * * * *", Id = "b")] public Task B(CancellationToken ct) => Task.CompletedTask;
            [ScheduledAction("* * * * *", Id = "c")] public ValueTask C(ScheduledActionContext context, IClock clock, CancellationToken ct) => default;
            [ScheduledAction("* * * * *", Id = "d")] internal static void D() { }
            [ScheduledAction("* * * * *", Id = "e")] public async Task E() => await Task.Yield();
        }
        """);

    [Fact]
    public Task Generic_method_is_reported_on_its_name() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] public void {|CRL005:Run|}<T>() { } }
        """);

    [Fact]
    public Task Ref_parameter_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] public void {|CRL005:Run|}(ref int x) { } }
        """);

    [Fact]
    public Task Out_parameter_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] public void {|CRL005:Run|}(out int x) { x = 0; } }
        """);

    [Fact]
    public Task In_parameter_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] public void {|CRL005:Run|}(in int x) { } }
        """);

    [Fact]
    public Task Pointer_parameter_is_reported() => Verify.VerifyAsync("""
        public unsafe class Jobs { [ScheduledAction("* * * * *")] public void {|CRL005:Run|}(int* x) { } }
        """);

    [Fact]
    public Task Task_of_result_return_type_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] public Task<int> {|CRL005:Run|}() => Task.FromResult(1); }
        """);

    [Fact]
    public Task Int_return_type_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] public int {|CRL005:Run|}() => 1; }
        """);

    [Fact]
    public Task Instance_method_of_generic_type_is_reported() => Verify.VerifyAsync("""
        public class Jobs<T> { [ScheduledAction("* * * * *")] public void {|CRL005:Run|}() { } }
        """);

    [Fact]
    public Task Instance_method_of_abstract_type_is_reported() => Verify.VerifyAsync("""
        public abstract class Jobs { [ScheduledAction("* * * * *")] public void {|CRL005:Run|}() { } }
        """);

    [Fact]
    public Task Static_method_of_abstract_type_is_accepted() => Verify.VerifyAsync("""
        public abstract class Jobs { [ScheduledAction("* * * * *")] public static void Run() { } }
        """);

    [Fact]
    public Task Private_method_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] private void {|CRL005:Run|}() { } }
        """);

    [Fact]
    public Task Method_of_private_nested_type_is_reported() => Verify.VerifyAsync("""
        public class Outer { private class Jobs { [ScheduledAction("* * * * *")] public void {|CRL005:Run|}() { } } }
        """);

    [Fact]
    public Task Type_without_accessible_constructor_is_reported() => Verify.VerifyAsync("""
        public class Jobs { private Jobs() { } [ScheduledAction("* * * * *")] public void {|CRL005:Run|}() { } }
        """);

    [Fact]
    public Task Type_whose_constructors_are_internal_is_reported() => Verify.VerifyAsync("""
        public class Jobs { internal Jobs() { } [ScheduledAction("* * * * *")] public void {|CRL005:Run|}() { } }
        """);

    [Fact]
    public Task Local_function_is_reported_on_its_name() => Verify.VerifyAsync("""
        public class Jobs
        {
            public void Outer()
            {
                [ScheduledAction("* * * * *")] void {|CRL005:Inner|}() { }
                Inner();
            }
        }
        """);

    [Fact]
    public Task Instance_method_of_a_struct_is_reported() => Verify.VerifyAsync("""
        public struct Jobs { [ScheduledAction("* * * * *")] public void {|CRL005:Run|}() { } }
        """);
}
