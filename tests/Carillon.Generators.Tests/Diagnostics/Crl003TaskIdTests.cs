using Verify = Carillon.Generators.Tests.Infrastructure.AnalyzerVerifier<Carillon.Analyzers.ScheduledActionAnalyzer>;

namespace Carillon.Generators.Tests.Diagnostics;

public class Crl003TaskIdTests
{
    [Fact]
    public Task Id_with_letters_digits_dots_dashes_and_underscores_is_accepted() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Id = "Billing.nightly-run_2")] public void Run() { } }
        """);

    [Fact]
    public Task Id_of_200_characters_is_accepted() => Verify.VerifyAsync($$"""
        public class Jobs { [ScheduledAction("* * * * *", Id = "{{new string('a', 200)}}")] public void Run() { } }
        """);

    [Fact]
    public Task Id_with_a_space_is_reported_on_the_id_argument() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Id = {|CRL003:"nightly report"|})] public void Run() { } }
        """);

    [Fact]
    public Task Empty_id_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Id = {|CRL003:""|})] public void Run() { } }
        """);

    [Fact]
    public Task Id_of_201_characters_is_reported() => Verify.VerifyAsync($$"""
        public class Jobs { [ScheduledAction("* * * * *", Id = {|CRL003:"{{new string('a', 201)}}"|})] public void Run() { } }
        """);

    [Fact]
    public Task Id_with_a_trailing_newline_is_reported() => Verify.VerifyAsync("""
        public class Jobs { [ScheduledAction("* * * * *", Id = {|CRL003:"run\n"|})] public void Run() { } }
        """);

    [Fact]
    public Task Invalid_default_id_is_reported_on_the_attribute() => Verify.VerifyAsync("""
        public class Café { [{|CRL003:ScheduledAction("* * * * *")|}] public void Run() { } }
        """);
}
