using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Carillon.Kafka;
using Microsoft.Extensions.Configuration;

namespace Carillon.Hosting.Configuration;

/// <summary>
/// Finds the configuration values under an options section that the configuration binder could not convert to their
/// property's type (<c>Carillon:GroupProtocol=Fastest</c>, <c>Carillon:SessionTimeout=abc</c>), each with a message
/// naming its key, the value and the expected form. The binder would throw at the first one, with its stack trace
/// (docs/configuration.md, "Validation"). Conversion is the binder's own: the type's <see cref="TypeConverter"/> with
/// the invariant culture; an empty value of a nullable property means unset.
/// </summary>
internal static class ValueConversion
{
    public sealed record Failure(string Path, string Message);

    public static IReadOnlyList<Failure> Check(IConfigurationSection section, Type optionsType)
    {
        var failures = new List<Failure>();
        foreach (var child in section.GetChildren())
        {
            if (ChildType(optionsType, child.Key) is { } type)
            {
                Walk(child, type, failures);
            }
        }

        return failures;
    }

    private static void Walk(IConfigurationSection section, Type declared, List<Failure> failures)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (IsScalar(type))
        {
            if (section.Value is { } value && !Converts(type, value, nullable: type != declared))
            {
                failures.Add(new Failure(section.Path, $"{section.Path} = '{RecordText.Printable(value)}' is invalid: {Rule(type)}."));
            }

            return;
        }

        foreach (var child in section.GetChildren())
        {
            if (ChildType(type, child.Key) is { } childType)
            {
                Walk(child, childType, failures);
            }
        }
    }

    /// <summary>Strings need no conversion; other types the binder converts from text through their converter.</summary>
    private static bool IsScalar(Type type)
        => type == typeof(string) || type == typeof(object) || type.IsEnum || type.IsPrimitive
            || (!typeof(IEnumerable).IsAssignableFrom(type) && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)));

    private static bool Converts(Type type, string value, bool nullable)
    {
        if (type == typeof(string) || type == typeof(object) || (nullable && value.Length == 0))
        {
            return true;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException or InvalidCastException)
        {
            return false;
        }
    }

    /// <summary>The type the binder binds <paramref name="key"/> of a <paramref name="type"/> to, or null if it ignores the key.</summary>
    private static Type? ChildType(Type type, string key)
    {
        if (GenericArguments(type, typeof(IDictionary<,>)) is { } dictionary)
        {
            return dictionary[1];
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type != typeof(string) && GenericArguments(type, typeof(IEnumerable<>)) is { } sequence)
        {
            return sequence[0];
        }

        var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => string.Equals(p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, key, StringComparison.OrdinalIgnoreCase));
        return property?.PropertyType;
    }

    private static Type[]? GenericArguments(Type type, Type definition)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
        {
            return type.GetGenericArguments();
        }

        return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition)?.GetGenericArguments();
    }

    private static string Rule(Type type)
    {
        if (type.IsEnum)
        {
            // Declaration order, the order the documentation lists them in.
            return "must be one of " + string.Join(", ", type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name));
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "must be true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64
                => string.Create(CultureInfo.InvariantCulture, $"must be a whole number from {type.GetField("MinValue")?.GetValue(null)} to {type.GetField("MaxValue")?.GetValue(null)}"),
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "must be a number such as 1.5",
            _ when type == typeof(TimeSpan) => "must be a time span written [d.]hh:mm:ss[.fffffff], such as 00:00:10",
            _ => $"must be a {type.Name} written as text",
        };
    }
}
