using Microsoft.Extensions.Options;

namespace Carillon.Hosting.Configuration;

/// <summary>Resolves options bound with <c>BindCheckedConfiguration</c>, so that their validation runs (and throws) now.</summary>
internal abstract class OptionsStartCheck
{
    public abstract void Run();
}

/// <inheritdoc />
internal sealed class OptionsStartCheck<TOptions>(IOptions<TOptions> options) : OptionsStartCheck
    where TOptions : class
{
    public override void Run() => _ = options.Value;
}
