using Carillon.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Carillon.Tests.Hosting;

/// <summary>
/// Issue 9 §2: a bad Carillon setting stops the host at start with one message naming its configuration key, the
/// value and the rule, instead of reaching librdkafka or silently disabling a feature. Values are bound from
/// configuration, so the keys asserted are the ones a user writes.
/// </summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public async Task Zero_delayed_partitions_stop_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Delayed:Partitions", "0"));

        Assert.Contains("Carillon:Delayed:Partitions = '0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_negative_session_timeout_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:SessionTimeout", "-00:00:05"));

        Assert.Contains("Carillon:SessionTimeout = '-00:00:05'", error.Message, StringComparison.Ordinal);
        Assert.Contains("between 00:00:01 and 01:00:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_timeout_above_librdkafkas_range_stops_the_host()
    {
        var error = await StartFailsAsync(("Carillon:SessionTimeout", "02:00:00"));

        Assert.Contains("Carillon:SessionTimeout = '02:00:00'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_delayed_topic_name_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Delayed:Topic", ""));

        Assert.Contains("Carillon:Delayed:Topic = ''", error.Message, StringComparison.Ordinal);
        Assert.Contains("must be a Kafka topic name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_illegal_recurring_topic_name_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Recurring:Topic", "my schedules!"));

        Assert.Contains("Carillon:Recurring:Topic = 'my schedules!'", error.Message, StringComparison.Ordinal);
        Assert.Contains("must be a Kafka topic name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_illegal_logs_topic_name_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Recurring:LogsTopic", ".."));

        Assert.Contains("Carillon:Recurring:LogsTopic = '..'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_features_on_one_topic_stop_the_host_naming_both_keys()
    {
        var error = await StartFailsAsync(("Carillon:Delayed:DeadLetterTopic", "carillon_delayed"));

        Assert.Contains("Carillon:Delayed:DeadLetterTopic = 'carillon_delayed'", error.Message, StringComparison.Ordinal);
        Assert.Contains("must differ from Carillon:Delayed:Topic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blank_group_name_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Recurring:Group", " "));

        Assert.Contains("Carillon:Recurring:Group = ' '", error.Message, StringComparison.Ordinal);
        Assert.Contains("must not be empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_heartbeat_not_below_the_session_timeout_stops_the_host()
    {
        var error = await StartFailsAsync(("Carillon:SessionTimeout", "00:00:06"), ("Carillon:Recurring:HeartbeatInterval", "00:00:06"));

        Assert.Contains("Carillon:Recurring:HeartbeatInterval = '00:00:06'", error.Message, StringComparison.Ordinal);
        Assert.Contains("less than Carillon:SessionTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_group_protocol_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:GroupProtocol", "7"));

        Assert.Contains("Carillon:GroupProtocol = '7'", error.Message, StringComparison.Ordinal);
        Assert.Contains("must be Auto, Consumer or Classic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_replication_factor_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:ReplicationFactor", "0"));

        Assert.Contains("Carillon:ReplicationFactor = '0'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_load_horizon_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Delayed:LoadHorizon", "00:00:00"));

        Assert.Contains("Carillon:Delayed:LoadHorizon = '00:00:00'", error.Message, StringComparison.Ordinal);
        Assert.Contains("must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_negative_max_lateness_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Delayed:MaxLateness", "-00:00:01"));

        Assert.Contains("Carillon:Delayed:MaxLateness = '-00:00:01'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_illegal_allowed_target_topic_stops_the_host_naming_its_index()
    {
        var error = await StartFailsAsync(("Carillon:Delayed:AllowedTargetTopics:0", "orders"), ("Carillon:Delayed:AllowedTargetTopics:1", "bad/topic"));

        Assert.Contains("Carillon:Delayed:AllowedTargetTopics:1 = 'bad/topic'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'orders'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_set_in_code_is_reported_under_its_configuration_key()
    {
        var error = await StartFailsAsync(o => o.Delayed.Partitions = -3);

        Assert.Contains("Carillon:Delayed:Partitions = '-3'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_kafka_property_name_stops_the_host()
    {
        var error = await StartFailsAsync(o => o.Kafka[" "] = "SASL_SSL");

        Assert.Contains("Carillon:Kafka:  = 'SASL_SSL'", error.Message, StringComparison.Ordinal);
        Assert.Contains("property name must not be empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_bad_value_gets_its_own_message()
    {
        var error = await StartFailsAsync(("Carillon:Delayed:Partitions", "0"), ("Carillon:SessionTimeout", "-00:00:05"));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.StartsWith("Carillon:Delayed:Partitions", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Carillon:SessionTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_group_protocol_stops_the_host_naming_the_key_and_the_choices()
    {
        var error = await StartFailsAsync(("Carillon:GroupProtocol", "Fastest"));

        Assert.Contains("Carillon:GroupProtocol = 'Fastest' is invalid: must be one of Classic, Consumer, Auto.", error.Failures);
    }

    [Fact]
    public async Task A_session_timeout_that_is_not_a_time_span_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:SessionTimeout", "abc"));

        Assert.Contains(error.Failures, f => f.StartsWith("Carillon:SessionTimeout = 'abc' is invalid: must be a time span", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delayed_partitions_that_are_not_a_whole_number_stop_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Delayed:Partitions", "six"));

        Assert.Contains("Carillon:Delayed:Partitions = 'six' is invalid: must be a whole number from -2147483648 to 2147483647.", error.Failures);
    }

    [Fact]
    public async Task A_flag_that_is_not_true_or_false_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Recurring:Enabled", "yes please"));

        Assert.Contains("Carillon:Recurring:Enabled = 'yes please' is invalid: must be true or false.", error.Failures);
    }

    [Fact]
    public async Task An_optional_time_span_that_does_not_parse_stops_the_host_naming_the_key()
    {
        var error = await StartFailsAsync(("Carillon:Recurring:HeartbeatInterval", "soon"));

        Assert.Contains(error.Failures, f => f.StartsWith("Carillon:Recurring:HeartbeatInterval = 'soon' is invalid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unconvertible_value_is_reported_with_the_other_bad_values_of_the_section()
    {
        var error = await StartFailsAsync(("Carillon:GroupProtocol", "Fastest"), ("Carillon:Delayed:Partitions", "0"));

        Assert.Contains(error.Failures, f => f.StartsWith("Carillon:GroupProtocol = 'Fastest'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Carillon:Delayed:Partitions = '0'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Control_characters_in_an_unconvertible_value_are_escaped_in_the_message()
    {
        var error = await StartFailsAsync(("Carillon:GroupProtocol", "Fast\nest"));

        Assert.DoesNotContain(error.Failures, f => f.Contains('\n', StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Carillon:GroupProtocol = 'Fast", StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(CarillonOptionsValidator.Check(new CarillonOptions()));
    }

    private static Task<OptionsValidationException> StartFailsAsync(params (string Key, string Value)[] settings)
        => StartFailsAsync(settings, null);

    private static Task<OptionsValidationException> StartFailsAsync(Action<CarillonOptions> configure)
        => StartFailsAsync([], configure);

    private static async Task<OptionsValidationException> StartFailsAsync((string Key, string Value)[] settings, Action<CarillonOptions>? configure)
    {
        // DisableDefaults: no environment variables or appsettings of the machine running the tests.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        // A server that is never contacted: the host must stop before any Kafka client exists.
        var values = new Dictionary<string, string?> { ["Carillon:BootstrapServers"] = "localhost:9" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddCarillon(new ScheduleRegistry("1.0.0", []), configure);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal(typeof(CarillonOptions), error.OptionsType);
        return error;
    }
}
