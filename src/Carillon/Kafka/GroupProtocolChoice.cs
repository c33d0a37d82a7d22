using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Kafka;

/// <summary>
/// Which group protocol Carillon's groups use (issue 14, docs/configuration.md "Group protocol"). An explicit
/// <see cref="ConsumerGroupProtocol.Classic"/> or <see cref="ConsumerGroupProtocol.Consumer"/> is kept as set;
/// <see cref="ConsumerGroupProtocol.Auto"/> uses the consumer protocol (KIP-848, the faster handover) where Carillon
/// knows the cluster supports it (an embedded cluster running in this process) and, once a broker refuses it, the
/// classic protocol for every group of this host from then on. On any other cluster Auto is classic: a broker that
/// does not advertise KIP-848 (Kafka before 4.0 without the preview) gives a consumer-protocol member no error at
/// all, only a debug line, and it never joins (librdkafka's ConsumerGroupHeartbeat request path), so trying it there
/// could leave every schedule silently unowned; a cluster known to be Kafka 4.0+ is told with Consumer.
/// </summary>
internal sealed partial class GroupProtocolChoice(CarillonOptions options, ILogger logger)
{
    private int _classic;

    /// <summary>The protocol a group configured with <paramref name="configured"/> is built with now.</summary>
    public ConsumerGroupProtocol Resolve(ConsumerGroupProtocol configured)
        => UserProperty() ?? Requested(configured) switch
        {
            ConsumerGroupProtocol.Classic => ConsumerGroupProtocol.Classic,
            ConsumerGroupProtocol.Consumer => ConsumerGroupProtocol.Consumer,
            _ => Volatile.Read(ref _classic) == 0 && KnownToSupportConsumer() ? ConsumerGroupProtocol.Consumer : ConsumerGroupProtocol.Classic,
        };

    /// <summary>
    /// Whether <paramref name="error"/>, from a consumer of a group configured with <paramref name="configured"/>,
    /// is the brokers refusing the consumer protocol under <see cref="ConsumerGroupProtocol.Auto"/>: then the
    /// classic protocol is chosen for the rest of the host's life (logged once) and the consumer must be rebuilt.
    /// </summary>
    public bool FallBackOnRefusal(ConsumerGroupProtocol configured, Error error)
    {
        if (UserProperty() is not null || Requested(configured) != ConsumerGroupProtocol.Auto || !IsRefusal(error))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _classic, 1) == 0)
        {
            FellBack(error.Code, RecordText.Printable(error.Reason));
        }

        return true;
    }

    // librdkafka makes a ConsumerGroupHeartbeat answered with UNSUPPORTED_VERSION (a broker that has the API but not
    // the protocol enabled) a fatal error of the consumer; __UNSUPPORTED_FEATURE is its own word for the same refusal.
    private static bool IsRefusal(Error error)
        => error.IsFatal && error.Code is ErrorCode.UnsupportedVersion or ErrorCode.Local_UnsupportedFeature;

    private bool KnownToSupportConsumer() => Embedded.EmbeddedCluster.IsRunningAt(options.BootstrapServers);

    private ConsumerGroupProtocol Requested(ConsumerGroupProtocol configured)
        => configured == ConsumerGroupProtocol.Auto ? options.GroupProtocol : configured;

    // A group.protocol among the user's librdkafka properties wins, as all of them do.
    private ConsumerGroupProtocol? UserProperty()
        => options.Kafka.TryGetValue("group.protocol", out var value)
            ? string.Equals(value.Trim(), "consumer", StringComparison.OrdinalIgnoreCase) ? ConsumerGroupProtocol.Consumer : ConsumerGroupProtocol.Classic
            : null;

    [LoggerMessage(4003, LogLevel.Warning,
        "The Kafka brokers refused the consumer group protocol (KIP-848; {Code}: {Reason}); Carillon's groups use the classic protocol from now on. Set Carillon:GroupProtocol to Classic to skip the attempt.")]
    private partial void FellBack(ErrorCode code, string reason);
}

/// <summary>The brokers refused the consumer group protocol: the consumer is rebuilt with the classic one.</summary>
internal sealed class GroupProtocolRefusedException(Error error)
    : KafkaException(error);
