using Carillon.Analyzers;
using Carillon.Generators.Tests.Infrastructure;
using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl001CronTests
{
    [Fact]
    public Task Cron_with_five_fields_is_accepted() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("0 2 * * *")] public void Run() { } }
        """);

    [Fact]
    public Task Cron_with_six_fields_is_accepted() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("*/10 * * * * *")] public void Run() { } }
        """);

    [Theory]
    [InlineData("@yearly")]
    [InlineData("@hourly")]
    [InlineData("@every_minute")]
    [InlineData("@every_second")]
    public Task Cron_macros_are_accepted(string macro) => Verify.VerifyAsync($$"""
        public class Jobs { [ScheduledAction("{{macro}}")] public void Run() { } }
        """);

    [Fact]
    public Task Cron_with_out_of_range_minute_is_reported_on_the_cron_argument() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction({|CRL001:"61 * * * *"|})] public void Run() { } }
        """);

    [Fact]
    public Task Cron_with_three_fields_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction({|CRL001:"* * *"|})] public void Run() { } }
        """);

    [Fact]
    public Task Cron_with_seven_fields_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction({|CRL001:"0 0 0 * * * 2030"|})] public void Run() { } }
        """);

    [Fact]
    public Task Unknown_cron_macro_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction({|CRL001:"@fortnightly"|})] public void Run() { } }
        """);

    [Fact]
    public Task Cron_given_as_a_constant_is_reported_at_the_constant_use() => Verify.VerifyAsync("""
        public class Jobs
        {
            private const string Bad = "x y z a b";
            [ScheduledAction({|CRL001:Bad|})] public void Run() { }
        }
        """);

    [Fact]
    public async Task Cron_message_names_the_expression_and_the_reason()
    {
        var compilation = Compiler.Create("""public class Jobs { [ScheduledAction("61 * * * *")] public void Run() { } }""");
        var diagnostic = Assert.Single(await Compiler.DiagnosticsAsync(compilation), d => d.Id == "CRL001");
        var message = diagnostic.GetMessage();
        Assert.Contains("'61 * * * *'", message, StringComparison.Ordinal);
        Assert.True(message.Length > "Cron expression '61 * * * *' is invalid: ".Length + 5, message);
        Assert.Equal(DiagnosticDescriptors.InvalidCron.HelpLinkUri, diagnostic.Descriptor.HelpLinkUri);
    }
}
