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
    [InlineData("0 0 29 2 *")]
    [InlineData("0 0 0 29 2 *")]
    [InlineData("0 0 29 2 1")]
    [InlineData("0 0 29,30 2 *")]
    [InlineData("0 0 L 2 *")]
    public Task Cron_that_fires_only_on_leap_days_or_rare_dates_is_accepted(string cron) => Verify.VerifyAsync($$"""
        public class Jobs { [ScheduledAction("{{cron}}")] public void Run() { } }
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

    [Theory]
    [InlineData("* * *", "got 3")]
    [InlineData("* * * *", "got 4")]
    [InlineData("0 0 0 * * * * *", "got 8")]
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

    [Theory]
    [InlineData("61 * * * *", "the minute field '61' is wrong (minutes are 0-59)")]
    [InlineData("0 24 * * *", "the hour field '24' is wrong (hours are 0-23)")]
    [InlineData("0 0 32 * *", "the day-of-month field '32' is wrong")]
    [InlineData("0 0 1 13 *", "the month field '13' is wrong (months are 1-12 or JAN-DEC)")]
    [InlineData("0 0 * * 8", "the day-of-week field '8' is wrong")]
    [InlineData("75 0 0 * * *", "the second field '75' is wrong (seconds are 0-59)")]
    public async Task Cron_message_names_the_wrong_field_and_what_it_accepts(string cron, string expected)
    {
        var message = await Crl001MessageAsync(cron);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 15 10 * * MON-FRI 2030", "Quartz/Spring year field")]
    [InlineData("0 0 12 ? * 2", "Quartz numbering (1 = Sunday")]
    [InlineData("0 0 12 * * ?", "never")]
    [InlineData("@every 10m", "Go-style interval (robfig/cron), not a cron expression; write '*/10 * * * *'")]
    [InlineData("@every 7m", "only intervals that divide a minute, an hour or a day")]
    [InlineData("@reboot", "no startup trigger")]
    [InlineData("H 2 * * *", "the minute field 'H' is a Jenkins-style hashed value")]
    public async Task Cron_from_another_scheduler_is_recognised_and_explained(string cron, string expected)
    {
        if (expected == "never")
        {
            // '?' with no digit in the day-of-week is Cronos's own "any": valid, nothing foreign to explain.
            var compilation = Compiler.Create($$"""public class Jobs { [ScheduledAction("{{cron}}")] public void Run() { } }""");
            Assert.DoesNotContain(await Compiler.DiagnosticsAsync(compilation), d => d.Id == "CRL001");
            return;
        }

        var message = await Crl001MessageAsync(cron);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public Task Quartz_day_of_week_number_next_to_a_question_mark_is_reported_on_the_cron_argument() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction({|CRL001:"0 0 12 ? * 2"|})] public void Run() { } }
        """);

    [Fact]
    public Task Quartz_day_of_week_by_name_is_accepted() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("0 0 12 ? * MON")] public void Run() { } }
        """);

    private static async Task<string> Crl001MessageAsync(string cron)
    {
        var compilation = Compiler.Create($$"""public class Jobs { [ScheduledAction("{{cron}}")] public void Run() { } }""");
        return Assert.Single(await Compiler.DiagnosticsAsync(compilation), d => d.Id == "CRL001").GetMessage();
    }
}
