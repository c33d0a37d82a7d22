using System.Text;
using Carillon.Delayed.Envelope;
using Confluent.Kafka;

namespace Carillon.Tests.Delayed;

public sealed class EnvelopeParserTests
{
    private static readonly byte[] s_key = "k"u8.ToArray();
    private static readonly byte[] s_value = "v"u8.ToArray();

    private static Headers H(params (string Name, string? Value)[] headers)
    {
        var result = new Headers();
        foreach (var (name, value) in headers)
        {
            result.Add(name, value is null ? null : Encoding.UTF8.GetBytes(value));
        }

        return result;
    }

    [Fact]
    public void Carillon_headers_schedule_a_message()
    {
        var r = EnvelopeParser.Parse(s_key, s_value, H(("carillon-target-topic", "orders"), ("carillon-target-key", "o1"), ("carillon-deliver-at", "1700000000123"), ("user", "x")));
        Assert.Equal(RecordKind.Schedule, r.Kind);
        Assert.Equal(1700000000123, r.DueMs);
        Assert.Equal("orders", Encoding.UTF8.GetString(r.TargetTopic!));
        Assert.Equal("o1", Encoding.UTF8.GetString(r.TargetKey!));
    }

    [Fact]
    public void A_missing_target_key_is_a_null_key()
        => Assert.Null(EnvelopeParser.Parse(s_key, s_value, H(("carillon-target-topic", "t"), ("carillon-deliver-at", "5"))).TargetKey);

    [Fact]
    public void Etf1_headers_schedule_with_seconds()
    {
        var r = EnvelopeParser.Parse(s_key, s_value, H(("scheduler-epoch", "1893456000"), ("scheduler-target-topic", "online-videos"), ("scheduler-target-key", "vid1")));
        Assert.Equal(RecordKind.Schedule, r.Kind);
        Assert.Equal(1893456000_000, r.DueMs);
        Assert.Equal("online-videos", Encoding.UTF8.GetString(r.TargetTopic!));
        Assert.Equal("vid1", Encoding.UTF8.GetString(r.TargetKey!));
    }

    [Fact]
    public void Carillon_headers_win_over_etf1_ones_and_the_last_occurrence_wins()
    {
        var r = EnvelopeParser.Parse(s_key, s_value, H(("scheduler-epoch", "1"), ("carillon-deliver-at", "7"), ("carillon-deliver-at", "9"), ("scheduler-target-topic", "a"), ("carillon-target-topic", "b")));
        Assert.Equal(9, r.DueMs);
        Assert.Equal("b", Encoding.UTF8.GetString(r.TargetTopic!));
    }

    [Fact]
    public void A_null_value_is_a_cancel_and_a_dispatch_tombstone_carries_its_offset()
    {
        Assert.Equal(RecordKind.Cancel, EnvelopeParser.Parse(s_key, null, null).Kind);
        var tombstone = EnvelopeParser.Parse(s_key, null, H(("carillon-dispatched-offset", "42")));
        Assert.Equal(RecordKind.DispatchTombstone, tombstone.Kind);
        Assert.Equal(42, tombstone.DispatchedOffset);
        Assert.Equal(RecordKind.Cancel, EnvelopeParser.Parse(s_key, null, H(("carillon-dispatched-offset", "x"))).Kind);
    }

    public static TheoryData<string?, (string, string?)[], string> InvalidCases => new()
    {
        { null, [("carillon-target-topic", "t"), ("carillon-deliver-at", "1")], nameof(InvalidReason.MissingScheduleKey) },
        { "", [("carillon-target-topic", "t"), ("carillon-deliver-at", "1")], nameof(InvalidReason.MissingScheduleKey) },
        { "k", [("carillon-deliver-at", "1")], nameof(InvalidReason.MissingTargetTopic) },
        { "k", [("carillon-target-topic", ""), ("carillon-deliver-at", "1")], nameof(InvalidReason.InvalidTargetTopic) },
        { "k", [("carillon-target-topic", "."), ("carillon-deliver-at", "1")], nameof(InvalidReason.InvalidTargetTopic) },
        { "k", [("carillon-target-topic", ".."), ("carillon-deliver-at", "1")], nameof(InvalidReason.InvalidTargetTopic) },
        { "k", [("carillon-target-topic", "has space"), ("carillon-deliver-at", "1")], nameof(InvalidReason.InvalidTargetTopic) },
        { "k", [("carillon-target-topic", "ünïcode"), ("carillon-deliver-at", "1")], nameof(InvalidReason.InvalidTargetTopic) },
        { "k", [("carillon-target-topic", new string('a', 250)), ("carillon-deliver-at", "1")], nameof(InvalidReason.InvalidTargetTopic) },
        { "k", [("carillon-target-topic", "t")], nameof(InvalidReason.MissingDeliverAt) },
        { "k", [("carillon-target-topic", "t"), ("carillon-deliver-at", "soon")], nameof(InvalidReason.MalformedDeliverAt) },
        { "k", [("carillon-target-topic", "t"), ("carillon-deliver-at", "12.5")], nameof(InvalidReason.MalformedDeliverAt) },
        { "k", [("carillon-target-topic", "t"), ("carillon-deliver-at", "")], nameof(InvalidReason.MalformedDeliverAt) },
        { "k", [("carillon-target-topic", "t"), ("carillon-deliver-at", "99999999999999999999")], nameof(InvalidReason.MalformedDeliverAt) },
        { "k", [("scheduler-target-topic", "t"), ("scheduler-epoch", "9223372036854775807")], nameof(InvalidReason.MalformedDeliverAt) },
        { "k", [("scheduler-target-topic", "t"), ("scheduler-epoch", "x")], nameof(InvalidReason.MalformedDeliverAt) },
        { "k", [("carillon-target-topic", "t"), ("carillon-deliver-at", "-1")], nameof(InvalidReason.DeliverAtOutOfRange) },
        { "k", [("carillon-target-topic", "t"), ("carillon-deliver-at", "-9223372036854775808")], nameof(InvalidReason.DeliverAtOutOfRange) },
        { "k", [("scheduler-target-topic", "t"), ("scheduler-epoch", "-5")], nameof(InvalidReason.DeliverAtOutOfRange) },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Invalid_records_have_a_reason(string? key, (string, string?)[] headers, string reason)
    {
        var r = EnvelopeParser.Parse(key is null ? null : Encoding.UTF8.GetBytes(key), s_value, H(headers));
        Assert.Equal(RecordKind.Invalid, r.Kind);
        Assert.Equal(reason, r.Reason.ToString());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("orders.v1_eu-west")]
    [InlineData("...")]
    public void Legal_topic_names_are_accepted(string topic) => Assert.True(TopicNames.IsValid(topic));
}
