using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Carillon.Kafka.Health;

/// <summary>
/// The one place that knows whether this process can reach its Kafka cluster (issue 8, issue 9 §5). Every client built
/// by <see cref="KafkaClientFactory"/> feeds it: its error callback (all brokers down, transport, resolve, TLS, SASL)
/// and its statistics (a broker in state UP). It knows since when no broker has been reachable and whether every
/// handshake fails, drives the <c>carillon-kafka</c> health check, and writes the only log lines about it: one error
/// naming the bootstrap servers a few seconds into an outage, then at most one summary with a count every
/// <see cref="RepeatEvery"/>, then one line when the cluster is reachable again.
/// </summary>
internal sealed partial class KafkaConnectivity : IDisposable
{
    /// <summary>How long an outage lasts before it is logged, so that one client's blip is not reported.</summary>
    public static readonly TimeSpan ConfirmAfter = TimeSpan.FromSeconds(3);

    /// <summary>At most one "still unreachable" line per this interval.</summary>
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromSeconds(30);

    /// <summary>How often clients emit the statistics that say a broker is up again (cheap: a few KB of JSON).</summary>
    public const int StatisticsIntervalMs = 2_000;

    private static readonly TimeSpan s_tick = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private readonly IOptions<CarillonOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KafkaConnectivity> _logger;
    private ITimer? _timer;
    private DateTimeOffset? _firstClientAt;
    private DateTimeOffset? _reachableAt;
    private DateTimeOffset? _unreachableSince;
    private DateTimeOffset _lastReportAt;
    private bool _reported;
    private int _errors;
    private int _errorsSinceReport;
    private int _handshakeFailures;
    private string? _lastReason;

    public KafkaConnectivity(IOptions<CarillonOptions> options, TimeProvider time, ILogger<KafkaConnectivity> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
    }

    private string Servers => _options.Value.BootstrapServers ?? "(none)";

    /// <summary>A client was built: from now on, no news of a broker is news.</summary>
    public void ClientCreated()
    {
        lock (_gate)
        {
            if (_firstClientAt is null)
            {
                _firstClientAt = _time.GetUtcNow();
                _timer = _time.CreateTimer(_ => Tick(), null, s_tick, s_tick);
            }
        }
    }

    /// <summary>
    /// Records an error from a client's error callback. Returns true when it is a connectivity error, which is
    /// summarised here and must not be logged again by the caller.
    /// </summary>
    public bool OnError(Error error)
    {
        if (!ConnectivityErrors.IsConnectivity(error))
        {
            return false;
        }

        lock (_gate)
        {
            var now = _time.GetUtcNow();

            // "All brokers down" is librdkafka's verdict for the whole cluster; a single connection error is one only
            // when no broker was ever reached (one broker of three restarting is not an outage).
            if (_unreachableSince is null && (error.Code == ErrorCode.Local_AllBrokersDown || _reachableAt is null))
            {
                _unreachableSince = now;
                _errors = 0;
                _errorsSinceReport = 0;
                _handshakeFailures = 0;
            }

            if (_unreachableSince is not null)
            {
                _errors++;
                _errorsSinceReport++;
                if (ConnectivityErrors.IsHandshakeFailure(error))
                {
                    _handshakeFailures++;
                }
            }

            // "1/1 brokers are down" says less than the connection error that caused it.
            if (error.Code != ErrorCode.Local_AllBrokersDown || _lastReason is null)
            {
                _lastReason = RecordText.Printable(error.Reason);
            }
        }

        return true;
    }

    /// <summary>Records a client's statistics: a broker in state UP means the cluster is reachable.</summary>
    public void OnStatistics(string json)
    {
        if (BrokerStatistics.AnyBrokerUp(json))
        {
            Reachable();
        }
    }

    /// <summary>A sign of success: a broker answered (statistics, or a caller's successful request).</summary>
    public void Reachable()
    {
        TimeSpan? outage = null;
        var errors = 0;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _reachableAt = now;
            if (_unreachableSince is { } since)
            {
                if (_reported)
                {
                    outage = now - since;
                    errors = _errors;
                }

                _unreachableSince = null;
                _reported = false;
                _errors = 0;
                _errorsSinceReport = 0;
                _handshakeFailures = 0;
            }
        }

        if (outage is { } duration)
        {
            LogReachableAgain(Servers, Math.Round(duration.TotalSeconds), errors);
        }
    }

    /// <summary>What the health checks report.</summary>
    public KafkaReachability Assess()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_firstClientAt is null)
            {
                return new KafkaReachability(KafkaReachabilityState.NoClient, TimeSpan.Zero, null, 0, Servers);
            }

            var since = OutageStart();
            if (since is null)
            {
                return new KafkaReachability(KafkaReachabilityState.Reachable, TimeSpan.Zero, null, 0, Servers);
            }

            var down = now - since.Value;
            var state = _handshakeFailures > 0 && down >= ConfirmAfter ? KafkaReachabilityState.HandshakesFail
                : down > _options.Value.SessionTimeout ? KafkaReachabilityState.Unreachable
                : KafkaReachabilityState.Unsure;
            return new KafkaReachability(state, down, _lastReason, _errors, Servers);
        }
    }

    /// <summary>Writes the summary lines; runs every second on the <see cref="TimeProvider"/>'s timer.</summary>
    internal void Tick()
    {
        string? reason;
        int count;
        TimeSpan down;
        bool first;
        bool handshakes;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (OutageStart() is not { } since)
            {
                return;
            }

            down = now - since;
            if (!_reported)
            {
                // With errors, a few seconds confirm it; with only silence (a blackholed address), the session timeout.
                var confirm = _unreachableSince is null ? _options.Value.SessionTimeout : ConfirmAfter;
                if (down < confirm)
                {
                    return;
                }

                first = true;
            }
            else if (now - _lastReportAt >= RepeatEvery)
            {
                first = false;
            }
            else
            {
                return;
            }

            _reported = true;
            _lastReportAt = now;
            reason = _lastReason ?? "no broker has answered";
            count = _errorsSinceReport;
            handshakes = _handshakeFailures > 0;
            _errorsSinceReport = 0;
        }

        if (first && handshakes)
        {
            LogHandshakesFail(Servers, reason);
        }
        else if (first)
        {
            LogUnreachable(Servers, reason);
        }
        else
        {
            LogStillUnreachable(Servers, Math.Round(down.TotalSeconds), count, reason);
        }
    }

    public void Dispose() => _timer?.Dispose();

    // The outage starts at the first connectivity error, or, when no broker has ever answered, at the first client.
    private DateTimeOffset? OutageStart() => _unreachableSince ?? (_reachableAt is null ? _firstClientAt : null);

    [LoggerMessage(4010, LogLevel.Error, "Kafka cluster at {Servers} is unreachable: {Reason}")]
    private partial void LogUnreachable(string servers, string reason);

    [LoggerMessage(4011, LogLevel.Error, "Kafka cluster at {Servers} is unreachable: every connection fails its TLS/SASL handshake (check security.protocol and the SASL settings): {Reason}")]
    private partial void LogHandshakesFail(string servers, string reason);

    [LoggerMessage(4012, LogLevel.Warning, "Kafka cluster at {Servers} still unreachable after {Seconds} s, {Count} more connection errors; last: {Reason}")]
    private partial void LogStillUnreachable(string servers, double seconds, int count, string reason);

    [LoggerMessage(4013, LogLevel.Information, "Kafka cluster at {Servers} is reachable again after {Seconds} s ({Count} connection errors)")]
    private partial void LogReachableAgain(string servers, double seconds, int count);
}

/// <summary>What <see cref="KafkaConnectivity"/> knows at one moment.</summary>
internal enum KafkaReachabilityState
{
    /// <summary>No Kafka client has been built yet: nothing to say.</summary>
    NoClient,

    /// <summary>A broker answered since the last outage began.</summary>
    Reachable,

    /// <summary>No broker answers, for less than the session timeout: a blip, or the start of an outage.</summary>
    Unsure,

    /// <summary>No broker has answered for longer than the session timeout.</summary>
    Unreachable,

    /// <summary>Brokers answer, but every TLS/SASL handshake fails: nothing will work until the configuration changes.</summary>
    HandshakesFail,
}

internal readonly record struct KafkaReachability(KafkaReachabilityState State, TimeSpan Down, string? LastError, int Errors, string Servers)
{
    public bool IsUnhealthy => State is KafkaReachabilityState.Unreachable or KafkaReachabilityState.HandshakesFail;

    public string Describe() => State switch
    {
        KafkaReachabilityState.NoClient => "no Kafka client started yet",
        KafkaReachabilityState.Reachable => $"Kafka cluster at {Servers} reachable",
        KafkaReachabilityState.Unsure => $"no broker of {Servers} answered for {Down.TotalSeconds:0} s: {LastError ?? "waiting for a first answer"}",
        KafkaReachabilityState.Unreachable => $"Kafka cluster at {Servers} unreachable for {Down.TotalSeconds:0} s: {LastError ?? "no broker has answered"}",
        _ => $"every connection to {Servers} fails its TLS/SASL handshake: {LastError}",
    };
}
