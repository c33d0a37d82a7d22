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

    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 4 *")]
    [InlineData("0 0 0 31 11 *")]
    [InlineData("0 0 30,31 2 *")]
    public Task Cron_that_never_fires_is_reported_on_the_cron_argument(string cron) => Verify.VerifyAsync($$"""
        public class Jobs
        {
            [ScheduledAction("@daily")] public void Fine() { }
            [ScheduledAction({|CRL001:"{{cron}}"|}, Id = "never")] public void Run() { }
        }
        """);

    [Theory]
    [InlineData("0 0 29 2 *")]
    [InlineData("0 0 0 29 2 *")]
    [InlineData("0 0 29 2 1")]
    [InlineData("0 0 29,30 2 *")]
    [InlineData("0 0 L 2 *")]
    public Task Cron_that_fires_only_on_leap_days_or_rare_dates_is_accepted(string cron) => Verify.VerifyAsync($$"""
        public class Jobs { [ScheduledAction("{{cron}}")] public void Run() { } }
        """);

    [Fact]
    public async Task Never_firing_cron_message_says_it_never_fires_and_no_task_is_generated()
    {
        var compilation = Compiler.Create("""public class Jobs { [ScheduledAction("0 0 30 2 *")] public void Run() { } }""");
        var diagnostic = Assert.Single(await Compiler.DiagnosticsAsync(compilation), d => d.Id == "CRL001");
        Assert.StartsWith("Cron expression '0 0 30 2 *' never fires: ", diagnostic.GetMessage(), StringComparison.Ordinal);
        var (_, run) = Compiler.Generate(compilation);
        Assert.DoesNotContain("Jobs.Run", Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), StringComparison.Ordinal);
    }

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

    [Theory]
    [InlineData("* * *", "got 3")]
    [InlineData("* * * *", "got 4")]
    [InlineData("0 0 0 * * * 2030", "got 7")]
    public async Task Wrong_field_count_message_says_what_was_expected_and_contains_no_control_character(string cron, string got)
    {
        var compilation = Compiler.Create($$"""public class Jobs { [ScheduledAction("{{cron}}")] public void Run() { } }""");
        var message = Assert.Single(await Compiler.DiagnosticsAsync(compilation), d => d.Id == "CRL001").GetMessage();
        Assert.Contains("expected 5 fields", message, StringComparison.Ordinal);
        Assert.Contains(got, message, StringComparison.Ordinal);
        Assert.DoesNotContain(message, char.IsControl);
    }

    [Fact]
    public async Task Jenkins_hash_is_reported_instead_of_crashing_the_generator()
    {
        var compilation = Compiler.Create("""public class Jobs { [ScheduledAction("H * * * *")] public void Run() { } }""");
        var message = Assert.Single(await Compiler.DiagnosticsAsync(compilation), d => d.Id == "CRL001").GetMessage();
        Assert.Contains("'H'", message, StringComparison.Ordinal);
        var (_, run) = Compiler.Generate(compilation);
        Assert.DoesNotContain("Jobs.Run", Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), StringComparison.Ordinal);
    }
}
