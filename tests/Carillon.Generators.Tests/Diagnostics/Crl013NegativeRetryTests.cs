using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl013NegativeRetryTests
{
    [Fact]
    public Task Zero_and_positive_retry_settings_are_accepted() => Verify.VerifyAsync("""
        public class Jobs
        {
            [ScheduledAction("* * * * *", Id = "a", Retries = 0)] public void A() { }
            [ScheduledAction("* * * * *", Id = "b", Retries = 3, RetryDelay = 0)] public void B() { }
            [ScheduledAction("* * * * *", Id = "c", Retries = 2, RetryDelay = 30, RetryOnTimeout = true)] public void C() { }
        }
        """);

    [Fact]
    public Task Negative_retries_are_reported_on_the_retries_argument() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Retries = {|CRL013:-1|})] public void Run() { } }
        """);

    [Fact]
    public Task Negative_retry_delay_is_reported_on_the_retry_delay_argument() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Retries = 2, RetryDelay = {|CRL013:-10|})] public void Run() { } }
        """);
}
