using Carillon.Analyzers;
using Carillon.Generators.Tests.Infrastructure;
using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl009NeverFiresTests
{
    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 4 *")]
    [InlineData("0 0 0 31 11 *")]
    [InlineData("0 0 30,31 2 *")]
    public Task Cron_that_never_fires_is_reported_on_the_cron_argument(string cron) => Verify.VerifyAsync($$"""
        public class Jobs
        {
            [ScheduledAction("@daily")] public void Fine() { }
            [ScheduledAction({|CRL009:"{{cron}}"|}, Id = "never")] public void Run() { }
        }
        """);

    [Fact]
    public async Task Never_firing_cron_has_its_own_id_suggests_enabled_false_and_generates_no_task()
    {
        var compilation = Compiler.Create("""public class Jobs { [ScheduledAction("0 0 30 2 *")] public void Run() { } }""");
        var diagnostics = await Compiler.DiagnosticsAsync(compilation);
        Assert.DoesNotContain(diagnostics, d => d.Id == "CRL001");
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "CRL009");
        Assert.StartsWith("Cron expression '0 0 30 2 *' never fires: ", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("Enabled = false", diagnostic.GetMessage(), StringComparison.Ordinal);
        var (_, run) = Compiler.Generate(compilation);
        Assert.DoesNotContain("Jobs.Run", Compiler.GeneratedText(run, "ScheduleRegistry.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Never_firing_cron_can_be_suppressed_without_hiding_invalid_crons()
    {
        var compilation = Compiler.Create("""
            public class Jobs
            {
            #pragma warning disable CRL009
                [ScheduledAction("0 0 30 2 *", Id = "a")] public void A() { }
            #pragma warning restore CRL009
                [ScheduledAction("61 * * * *", Id = "b")] public void B() { }
            }
            """);
        var diagnostics = (await Compiler.DiagnosticsAsync(compilation)).Where(d => !d.IsSuppressed).ToList();
        Assert.DoesNotContain(diagnostics, d => d.Id == "CRL009");
        Assert.Single(diagnostics, d => d.Id == "CRL001");
    }
}
