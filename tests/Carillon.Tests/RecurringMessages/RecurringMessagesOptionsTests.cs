using Carillon.Hosting;
using Microsoft.Extensions.Configuration;

namespace Carillon.Tests.RecurringMessages;

/// <summary><c>Carillon:RecurringMessages</c> is validated like the other sections (issue 11, docs/configuration.md).</summary>
public sealed class RecurringMessagesOptionsTests
{
    [Fact]
    public void Zero_partitions_are_refused_naming_the_key()
        => Assert.Contains(Check(("Carillon:RecurringMessages:Partitions", "0")), f => f.StartsWith("Carillon:RecurringMessages:Partitions = '0' is invalid: must be at least 1", StringComparison.Ordinal));

    [Fact]
    public void An_illegal_topic_is_refused_naming_the_key()
        => Assert.Contains(Check(("Carillon:RecurringMessages:Topic", "my schedules!")), f => f.StartsWith("Carillon:RecurringMessages:Topic = 'my schedules!' is invalid: must be a Kafka topic name", StringComparison.Ordinal));

    [Fact]
    public void The_topic_of_another_feature_is_refused()
        => Assert.Contains(Check(("Carillon:RecurringMessages:Topic", "carillon_delayed")), f => f.StartsWith("Carillon:RecurringMessages:Topic = 'carillon_delayed' is invalid: must differ from Carillon:Delayed:Topic", StringComparison.Ordinal));

    [Fact]
    public void The_group_of_another_feature_is_refused()
        => Assert.Contains(Check(("Carillon:RecurringMessages:Group", "carillon_delayed")), f => f.StartsWith("Carillon:RecurringMessages:Group = 'carillon_delayed' is invalid: must differ from Carillon:Delayed:Group", StringComparison.Ordinal));

    [Fact]
    public void A_zero_misfire_threshold_is_refused()
        => Assert.Contains(Check(("Carillon:RecurringMessages:MisfireThreshold", "00:00:00")), f => f.StartsWith("Carillon:RecurringMessages:MisfireThreshold = '00:00:00' is invalid: must be positive", StringComparison.Ordinal));

    [Fact]
    public void The_defaults_are_valid()
        => Assert.Empty(Check());

    private static IReadOnlyList<string> Check(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var options = new CarillonOptions();
        configuration.GetSection(CarillonOptions.SectionName).Bind(options);
        return CarillonOptionsValidator.Check(options);
    }
}
