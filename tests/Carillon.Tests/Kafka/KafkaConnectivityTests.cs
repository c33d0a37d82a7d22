using Carillon.Kafka.Health;
using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Carillon.Tests.Kafka;

public sealed class KafkaConnectivityTests
{
    private const string Servers = "broker-1:9092,broker-2:9092";
    private const string Refused = "broker-1:9092/bootstrap: Connect to ipv4#10.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)";
    private const string TlsAgainstPlaintext = "ssl://broker-1:9092/bootstrap: SSL handshake failed: Disconnected: connection reset by peer: connecting to a PLAINTEXT broker listener? (after 1ms in state SSL_HANDSHAKE)";
    private const string BrokerUp = """{"name":"c#producer-1","brokers":{"GroupCoordinator":{"source":"logical","state":"DOWN"},"broker-1:9092/1":{"name":"broker-1:9092/1","source":"learned","state":"UP","rtt":{"min":1}}}}""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger<KafkaConnectivity> _log = new();
    private readonly KafkaConnectivity _connectivity;

    public KafkaConnectivityTests()
    {
        _connectivity = new KafkaConnectivity(Options.Create(new CarillonOptions { BootstrapServers = Servers, SessionTimeout = TimeSpan.FromSeconds(10) }), _time, _log);
        _connectivity.ClientCreated();
    }

    [Fact]
    public void A_flood_of_connection_errors_gives_one_error_naming_the_servers_then_one_summary_per_30_seconds_then_one_reachable_line()
    {
        _connectivity.OnStatistics(BrokerUp);
        _connectivity.OnError(new Error(ErrorCode.Local_AllBrokersDown, "2/2 brokers are down"));

        // librdkafka's pace while a call waits: an error every 50 ms, for 65 s.
        for (var i = 0; i < 1_300; i++)
        {
            Assert.True(_connectivity.OnError(new Error(ErrorCode.Local_Transport, Refused)));
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        _connectivity.OnStatistics(BrokerUp);

        var lines = _log.Lines.ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal(LogLevel.Error, lines[0].Level);
        Assert.Equal($"Kafka cluster at {Servers} is unreachable: {Refused}", lines[0].Message);
        Assert.All(lines.Skip(1).Take(2), l => Assert.Equal(LogLevel.Warning, l.Level));
        Assert.Contains("still unreachable after 33 s, 600 more connection errors", lines[1].Message);
        Assert.Contains("still unreachable after 63 s, 600 more connection errors", lines[2].Message);
        Assert.Equal((LogLevel.Information, $"Kafka cluster at {Servers} is reachable again after 65 s (1301 connection errors)"), lines[3]);
    }

    [Fact]
    public async Task Check_is_unhealthy_only_once_no_broker_answered_for_longer_than_the_session_timeout()
    {
        var check = new KafkaHealthCheck(_connectivity);
        _connectivity.OnStatistics(BrokerUp);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new())).Status);

        _connectivity.OnError(new Error(ErrorCode.Local_AllBrokersDown, "2/2 brokers are down"));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new())).Status);

        _time.Advance(TimeSpan.FromSeconds(1));
        var result = await check.CheckHealthAsync(new());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(Servers, result.Description);

        _connectivity.OnStatistics(BrokerUp);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new())).Status);
    }

    [Fact]
    public async Task Every_handshake_failing_is_unhealthy_within_seconds_and_logged_as_a_handshake_problem()
    {
        var check = new KafkaHealthCheck(_connectivity);
        _connectivity.OnError(new Error(ErrorCode.Local_Transport, TlsAgainstPlaintext));
        _connectivity.OnError(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down"));
        _time.Advance(KafkaConnectivity.ConfirmAfter);

        var result = await check.CheckHealthAsync(new());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("TLS/SASL handshake", result.Description);
        var line = Assert.Single(_log.Lines);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("every connection fails its TLS/SASL handshake", line.Message);
    }

    [Fact]
    public async Task One_broker_of_several_disconnecting_is_not_an_outage()
    {
        var check = new KafkaHealthCheck(_connectivity);
        _connectivity.OnStatistics(BrokerUp);
        for (var i = 0; i < 100; i++)
        {
            _connectivity.OnError(new Error(ErrorCode.Local_Transport, Refused));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new())).Status);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task Silence_from_a_cluster_never_reached_is_unhealthy_after_the_session_timeout()
    {
        // A blackholed address: no error before librdkafka's 30 s connection setup timeout.
        var check = new KafkaHealthCheck(_connectivity);
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new())).Status);
        Assert.Equal((LogLevel.Error, $"Kafka cluster at {Servers} is unreachable: no broker has answered"), Assert.Single(_log.Lines));
    }

    [Fact]
    public void Errors_other_than_connectivity_are_left_to_the_caller()
    {
        Assert.False(_connectivity.OnError(new Error(ErrorCode.Local_MaxPollExceeded, "max.poll.interval.ms exceeded")));
        Assert.False(_connectivity.OnError(new Error(ErrorCode.InvalidTxnState, "invalid state")));
    }
}
