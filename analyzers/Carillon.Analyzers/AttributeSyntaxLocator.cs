using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Carillon.Analyzers
{
    /// <summary>Maps an attribute's arguments back to source so diagnostics point at the value that is wrong.</summary>
    internal static class AttributeSyntaxLocator
    {
        public static AttributeSyntax? GetSyntax(AttributeData attribute, CancellationToken cancellationToken)
            => attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

        /// <summary>The first positional argument's expression, or the whole attribute.</summary>
        public static Location Positional(AttributeSyntax? syntax, int index)
        {
            if (syntax?.ArgumentList is { } list)
            {
                var position = 0;
                foreach (var argument in list.Arguments)
                {
                    if (argument.NameEquals is null && argument.NameColon is null)
                    {
                        if (position++ == index)
                        {
                            return argument.Expression.GetLocation();
                        }
                    }
                    else if (argument.NameColon is not null && index == 0)
                    {
                        return argument.Expression.GetLocation();
                    }
                }
            }

            return syntax?.GetLocation() ?? Location.None;
        }

        /// <summary>The named argument's value expression, or null when the property is not set in source.</summary>
        public static Location? Named(AttributeSyntax? syntax, string name)
        {
            if (syntax?.ArgumentList is { } list)
            {
                foreach (var argument in list.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == name)
                    {
                        return argument.Expression.GetLocation();
                    }
                }
            }

            return null;
        }
    }
}
