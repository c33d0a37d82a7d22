using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl008AsyncVoidTests
{
    [Fact]
    public Task Async_task_method_is_accepted() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] public async Task Run() => await Task.Yield(); }
        """);

    [Fact]
    public Task Synchronous_void_method_is_accepted() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] public void Run() { } }
        """);

    [Fact]
    public Task Async_void_method_is_reported_on_its_return_type() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *")] public async {|CRL008:void|} Run() => await Task.Yield(); }
        """);

    [Fact]
    public Task Async_void_method_without_the_attribute_is_ignored() => Verify.VerifyAsync("""
        public class Jobs { public async void Run() => await Task.Yield(); }
        """);
}
