using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl007TimeZoneTests
{
    [Theory]
    [InlineData("Europe/Paris")]
    [InlineData("America/New_York")]
    [InlineData("UTC")]
    [InlineData("Romance Standard Time")]
    [InlineData("Eastern Standard Time")]
    public Task Iana_and_windows_ids_are_accepted(string zone) => Verify.VerifyAsync($$"""
        public class Jobs { [ScheduledAction("* * * * *", TimeZone = "{{zone}}")] public void Run() { } }
        """);

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Paris")]
    [InlineData(" Europe/Paris")]
    public Task Unknown_time_zone_is_reported_on_the_time_zone_argument(string zone) => Verify.VerifyAsync($$"""
        public class Jobs { [ScheduledAction("* * * * *", TimeZone = {|CRL007:"{{zone}}"|})] public void Run() { } }
        """);
}
