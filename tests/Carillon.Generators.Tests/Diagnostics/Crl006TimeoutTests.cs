using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl006TimeoutTests
{
    [Fact]
    public Task Zero_and_positive_timeouts_are_accepted() => Verify.VerifyAsync("""
        public class Jobs
        {
            [ScheduledAction("* * * * *", Id = "a", Timeout = 0)] public void A() { }
            [ScheduledAction("* * * * *", Id = "b", Timeout = 30)] public void B() { }
        }
        """);

    [Fact]
    public Task Negative_timeout_is_reported_on_the_timeout_argument() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Timeout = {|CRL006:-5|})] public void Run() { } }
        """);
}
