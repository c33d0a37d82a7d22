using Carillon.CompileTime;

namespace Carillon.Generators.Tests.Rules;

public class SanitizerTests
{
    [Theory]
    [InlineData("nightly report", "nightly_report")]
    [InlineData("a/b:c", "a_b_c")]
    [InlineData("ok.id-1_x", "ok.id-1_x")]
    [InlineData("", "task")]
    public void Sanitized_id_keeps_allowed_characters_and_replaces_the_rest(string input, string expected)
        => Assert.Equal(expected, TaskIdRules.Sanitize(input));

    [Fact]
    public void Sanitized_id_is_at_most_200_characters()
        => Assert.Equal(200, TaskIdRules.Sanitize(new string('x', 250)).Length);

    [Fact]
    public void Sanitized_id_is_always_valid()
        => Assert.True(TaskIdRules.IsValid(TaskIdRules.Sanitize("é è ü / \n")));
}
