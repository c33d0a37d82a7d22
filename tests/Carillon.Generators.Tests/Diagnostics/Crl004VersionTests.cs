using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduleVersionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl004VersionTests
{
    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.0.0")]
    [InlineData("10.20.30")]
    [InlineData("2.1.0-beta.1")]
    [InlineData("2.1.0-rc-2")]
    public Task Semantic_version_is_accepted(string version) => Verify.VerifyAsync($$"""
        [assembly: ScheduleVersion("{{version}}")]
        [ScheduleVersion("{{version}}")]
        public class Jobs { [ScheduleVersion("{{version}}")] public void Run() { } }
        """);

    [Theory]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.0.0.0")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0-")]
    [InlineData("1.0.0+build")]
    [InlineData("")]
    public Task Malformed_assembly_version_is_reported_on_the_argument(string version) => Verify.VerifyAsync($$"""
        [assembly: ScheduleVersion({|CRL004:"{{version}}"|})]
        """);

    [Fact]
    public Task Malformed_class_version_is_reported() => Verify.VerifyAsync("""
        [ScheduleVersion({|CRL004:"one"|})]
        public class Jobs { }
        """);

    [Fact]
    public Task Malformed_method_version_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduleVersion({|CRL004:"1.2"|})] public void Run() { } }
        """);

    [Fact]
    public Task Malformed_version_through_a_using_alias_is_reported() => Verify.VerifyAsync("""
        using Ver = Carillon.ScheduleVersionAttribute;
        [assembly: Ver({|CRL004:"1.0"|})]
        public class Jobs { [Ver({|CRL004:"x"|})] public void Run() { } }
        """);

    [Fact]
    public Task Valid_version_through_a_using_alias_is_accepted() => Verify.VerifyAsync("""
        using Ver = Carillon.ScheduleVersionAttribute;
        [assembly: Ver("1.0.0")]
        """);
}
