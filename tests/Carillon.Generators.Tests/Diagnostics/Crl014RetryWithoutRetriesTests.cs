using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl014RetryWithoutRetriesTests
{
    [Fact]
    public Task Retry_delay_without_retries_is_reported_on_the_retry_delay_argument() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", RetryDelay = {|CRL014:30|})] public void Run() { } }
        """);

    [Fact]
    public Task Retry_on_timeout_without_retries_is_reported_on_its_argument() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Timeout = 10, RetryOnTimeout = {|CRL014:true|})] public void Run() { } }
        """);

    [Fact]
    public Task Retry_settings_with_retries_are_not_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Timeout = 10, Retries = 1, RetryDelay = 30, RetryOnTimeout = true)] public void Run() { } }
        """);
}
