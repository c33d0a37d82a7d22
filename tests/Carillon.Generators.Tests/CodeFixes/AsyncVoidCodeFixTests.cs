using Carillon.Analyzers;
using Carillon.CodeFixes;
using Carillon.Generators.Tests.Infrastructure;

namespace Carillon.Generators.Tests.CodeFixes;

public class AsyncVoidCodeFixTests
{
    [Fact]
    public Task Async_void_becomes_async_task() => CodeFixVerifier<ScheduledActionAnalyzer, AsyncVoidCodeFix>.VerifyAsync("""
        public class Jobs
        {
            [ScheduledAction("* * * * *")]
            public async {|CRL008:void|} Run()
            {
                await Task.Delay(1);
            }
        }
        """, """
        public class Jobs
        {
            [ScheduledAction("* * * * *")]
            public async Task Run()
            {
                await Task.Delay(1);
            }
        }
        """);
}
