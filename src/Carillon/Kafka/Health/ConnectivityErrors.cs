using Confluent.Kafka;

namespace Carillon.Kafka.Health;

/// <summary>
/// Which client errors say "this broker cannot be reached" rather than "this request failed". librdkafka reports a
/// broken connection through the error callback on every reconnect attempt (about every 50 ms while a call waits, with
/// texts that differ by their "after N ms", so its own suppression of identical errors does not apply; the flood seen
/// in issue 9 §5 is in docs/benchmarks-faults.md, "Unreachable cluster: log volume"). These are summarised by <see cref="KafkaConnectivity"/> and not passed to callers.
/// </summary>
internal static class ConnectivityErrors
{
    public static bool IsConnectivity(Error error) => error.Code is
        ErrorCode.Local_AllBrokersDown or
        ErrorCode.Local_Transport or
        ErrorCode.Local_Resolve or
        ErrorCode.Local_Ssl or
        ErrorCode.Local_Authentication or
        ErrorCode.SaslAuthenticationFailed;

    /// <summary>
    /// A connection that reached the broker but failed its TLS or SASL handshake: retrying cannot help until the
    /// configuration changes. librdkafka reports TLS against a plaintext listener as <c>Local_Transport</c> naming
    /// the state it failed in (<c>… in state SSL_HANDSHAKE</c>), and a plaintext client against a TLS listener as a
    /// disconnect while requesting ApiVersion.
    /// </summary>
    public static bool IsHandshakeFailure(Error error)
    {
        if (error.Code is ErrorCode.Local_Ssl or ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed)
        {
            return true;
        }

        var reason = error.Reason ?? string.Empty;
        return error.Code == ErrorCode.Local_Transport && (
            reason.Contains("SSL handshake failed", StringComparison.Ordinal) ||
            reason.Contains("in state SSL_HANDSHAKE", StringComparison.Ordinal) ||
            reason.Contains("in state AUTH_", StringComparison.Ordinal) ||
            reason.Contains("while requesting ApiVersion", StringComparison.Ordinal));
    }
}
