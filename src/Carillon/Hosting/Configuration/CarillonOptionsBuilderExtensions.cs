using Carillon.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>How Carillon's options (and the dashboard's) are bound and checked when the host starts.</summary>
public static class CarillonOptionsBuilderExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from the configuration section at <paramref name="sectionPath"/>, like
    /// <c>BindConfiguration</c>, and checks it when the host starts (<c>ValidateOnStart</c>). A value that does not convert
    /// to its property's type (an unknown enum name, a malformed time span or number) is a validation failure naming
    /// its key, like any other bad value; and a host that stops for these options' validation exits with code 1,
    /// printing one line per bad value on standard error, with no stack trace (docs/configuration.md, "Validation").
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="builder">The options builder.</param>
    /// <param name="sectionPath">The configuration section, for example <c>Carillon</c>.</param>
    /// <returns>The options builder.</returns>
    public static OptionsBuilder<TOptions> BindCheckedConfiguration<TOptions>(this OptionsBuilder<TOptions> builder, string sectionPath)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionPath);

        builder.Configure<IConfiguration>((options, configuration) => CheckedBinding.Bind(configuration.GetSection(sectionPath), options));
        builder.Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(sp => new ConfigurationChangeTokenSource<TOptions>(builder.Name, sp.GetRequiredService<IConfiguration>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, BindingFailureValidator<TOptions>>());
        builder.ValidateOnStart();
        if (builder.Name == Options.Options.DefaultName)
        {
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<OptionsStartCheck, OptionsStartCheck<TOptions>>());
            CheckedStartLifetime.Install(builder.Services);
        }

        StartupFailureExit.Watch(typeof(TOptions));
        return builder;
    }
}
