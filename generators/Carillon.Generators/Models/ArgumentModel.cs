using Carillon.CompileTime;

namespace Carillon.Generators.Models
{
    /// <summary>One argument the generated invoker passes: how it is obtained and its fully qualified type.</summary>
    internal sealed record ArgumentModel(ArgumentKind Kind, string TypeName);
}
