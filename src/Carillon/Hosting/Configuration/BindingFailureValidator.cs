using Microsoft.Extensions.Options;

namespace Carillon.Hosting.Configuration;

/// <summary>Reports the values <see cref="CheckedBinding"/> could not convert, alongside the options' own rules.</summary>
internal sealed class BindingFailureValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = CheckedBinding.FailuresOf(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
