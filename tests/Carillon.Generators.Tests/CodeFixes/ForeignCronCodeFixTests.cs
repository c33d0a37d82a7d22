using Carillon.Analyzers;
using Carillon.CodeFixes;
using Carillon.Generators.Tests.Infrastructure;
using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.CodeFixes;

public class ForeignCronCodeFixTests
{
    [Theory]
    [InlineData("@every 10m", "*/10 * * * *")]
    [InlineData("@every 30s", "*/30 * * * * *")]
    [InlineData("@every 1m", "* * * * *")]
    [InlineData("@every 1h", "0 * * * *")]
    [InlineData("@every 6h", "0 */6 * * *")]
    [InlineData("@every 24h", "0 0 * * *")]
    public Task Go_interval_that_divides_its_unit_is_rewritten_as_cron(string every, string cron) => CodeFixVerifier<ScheduledActionAnalyzer, ForeignCronCodeFix>.VerifyAsync($$"""
        public class Jobs { [ScheduledAction({|CRL001:"{{every}}"|})] public void Run() { } }
        """, $$"""
        public class Jobs { [ScheduledAction("{{cron}}")] public void Run() { } }
        """);

    [Fact]
    public Task Quartz_year_wildcard_is_dropped() => CodeFixVerifier<ScheduledActionAnalyzer, ForeignCronCodeFix>.VerifyAsync("""
        public class Jobs { [ScheduledAction({|CRL001:"0 15 10 * * MON-FRI *"|})] public void Run() { } }
        """, """
        public class Jobs { [ScheduledAction("0 15 10 * * MON-FRI")] public void Run() { } }
        """);

    [Fact]
    public Task Go_interval_that_does_not_divide_its_unit_has_no_fix() => CodeFixVerifier<ScheduledActionAnalyzer, ForeignCronCodeFix>.VerifyAsync("""
        public class Jobs { [ScheduledAction({|CRL001:"@every 7m"|})] public void Run() { } }
        """, """
        public class Jobs { [ScheduledAction({|CRL001:"@every 7m"|})] public void Run() { } }
        """);

    [Fact]
    public Task Go_interval_in_a_constant_is_reported_without_rewriting_the_constant() => CodeFixVerifier<ScheduledActionAnalyzer, ForeignCronCodeFix>.VerifyAsync("""
        public class Jobs { private const string Every = "@every 10m"; [ScheduledAction({|CRL001:Every|})] public void Run() { } }
        """, """
        public class Jobs { private const string Every = "@every 10m"; [ScheduledAction({|CRL001:Every|})] public void Run() { } }
        """);
}
