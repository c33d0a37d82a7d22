using System.Globalization;
using System.Runtime.InteropServices;

namespace Carillon.Embedded;

/// <summary>
/// An in-process Kafka cluster for development and tests only: librdkafka's mock cluster, which speaks the real Kafka
/// protocol on loopback TCP, keeps everything in memory and persists nothing. Carillon's development default (no
/// <see cref="CarillonOptions.BootstrapServers"/> configured) runs on it, and so does <c>Carillon.Testing.EmbeddedKafka</c>.
/// Never use it for real work: it is not shared with other processes and loses everything when disposed.
/// </summary>
/// <remarks>
/// Public so that the test kit is built on the runtime's public API only (issue 9, section 4); the native calls stay internal.
/// It differs from a real Kafka cluster in places (no CreateTopics API, group protocol details): create topics with
/// <see cref="CreateTopic"/>.
/// </remarks>
public sealed unsafe class EmbeddedCluster : IDisposable
{
    private readonly object _gate = new();
    private readonly nint _cluster;
    private nint _handle;

    // Bootstrap strings of the clusters running in this process: Carillon knows these support the consumer group
    // protocol (KIP-848), so ConsumerGroupProtocol.Auto chooses it there (issue 14, docs/configuration.md).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> s_running = new(StringComparer.Ordinal);

    private EmbeddedCluster(nint handle, nint cluster, string bootstrapServers, int brokers)
    {
        _handle = handle;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
        BrokerCount = brokers;
    }

    /// <summary>The bootstrap servers string to give any Kafka client, e.g. <c>127.0.0.1:40123</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers; their IDs are 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers (IDs 1..n) on loopback ports chosen by the system.</summary>
    /// <param name="brokers">The number of brokers, at least 1.</param>
    /// <returns>The running cluster; dispose it to stop it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="brokers"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">librdkafka could not start the cluster.</exception>
    public static EmbeddedCluster Start(int brokers = 1) => Start(brokers, trace: null);

    /// <summary>
    /// Starts a cluster whose own debug log (librdkafka's <c>debug=mock</c>: group members marked active, sessions timed
    /// out) goes to <paramref name="trace"/>, on librdkafka's threads. For benchmarks that decompose a takeover (issue 14);
    /// one traced cluster per process.
    /// </summary>
    internal static EmbeddedCluster Start(int brokers, Action<string>? trace)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var api = LibrdkafkaNative.Functions;
        var conf = api.ConfNew();
        Set(conf, "test.mock.num.brokers", brokers.ToString(CultureInfo.InvariantCulture));
        Set(conf, "log_level", trace is null ? "3" : "7");
        if (trace is not null)
        {
            s_trace = trace;
            Set(conf, "debug", "mock");
            api.ConfSetLogCb(conf, &OnLog);
        }

        var errstr = stackalloc byte[512];
        var handle = api.New(LibrdkafkaNative.ProducerType, conf, errstr, 512);
        if (handle == 0)
        {
            throw new InvalidOperationException("Could not start the embedded Kafka cluster: " + Marshal.PtrToStringUTF8((nint)errstr));
        }

        var cluster = api.HandleMockCluster(handle);
        var bootstraps = Marshal.PtrToStringUTF8((nint)api.MockClusterBootstraps(cluster))!;
        s_running.TryAdd(bootstraps, 0);
        return new EmbeddedCluster(handle, cluster, bootstraps, brokers);
    }

    private static Action<string>? s_trace;

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static void OnLog(nint rk, int level, byte* facility, byte* line)
    {
        // An exception must not cross into librdkafka's thread.
        try
        {
            s_trace?.Invoke(Marshal.PtrToStringUTF8((nint)line) ?? string.Empty);
        }
        catch (Exception)
        {
        }
    }

    private static void Set(nint conf, string name, string value)
    {
        var api = LibrdkafkaNative.Functions;
        var errstr = stackalloc byte[512];
        fixed (byte* n = LibrdkafkaNative.Utf8(name))
        fixed (byte* v = LibrdkafkaNative.Utf8(value))
        {
            if (api.ConfSet(conf, n, v, errstr, 512) != 0)
            {
                throw new InvalidOperationException($"librdkafka rejected {name}={value}: {Marshal.PtrToStringUTF8((nint)errstr)}");
            }
        }
    }

    /// <summary>
    /// Creates a topic with an explicit partition count. The mock has no CreateTopics API; topics a client uses
    /// without creating them are auto-created with one partition.
    /// </summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="partitions">The number of partitions.</param>
    /// <param name="replicationFactor">The replication factor, capped at <see cref="BrokerCount"/>.</param>
    /// <exception cref="InvalidOperationException">The cluster refused (for example, the topic exists).</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ArgumentNullException.ThrowIfNull(topic);
        lock (_gate)
        {
            ThrowIfDisposed();
            fixed (byte* t = LibrdkafkaNative.Utf8(topic))
            {
                Check(LibrdkafkaNative.Functions.MockTopicCreate(_cluster, t, partitions, Math.Min(replicationFactor, BrokerCount)), $"create topic {topic}");
            }
        }
    }

    /// <summary>Takes a broker down: its connections are closed and new ones refused until <see cref="SetBrokerUp"/>.</summary>
    /// <param name="brokerId">The broker ID, 1 to <see cref="BrokerCount"/>.</param>
    /// <exception cref="InvalidOperationException">The cluster refused (for example, an unknown broker ID).</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void SetBrokerDown(int brokerId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            Check(LibrdkafkaNative.Functions.MockBrokerSetDown(_cluster, brokerId), $"set broker {brokerId} down");
        }
    }

    /// <summary>Brings a broker taken down by <see cref="SetBrokerDown"/> back up.</summary>
    /// <param name="brokerId">The broker ID, 1 to <see cref="BrokerCount"/>.</param>
    /// <exception cref="InvalidOperationException">The cluster refused (for example, an unknown broker ID).</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void SetBrokerUp(int brokerId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            Check(LibrdkafkaNative.Functions.MockBrokerSetUp(_cluster, brokerId), $"set broker {brokerId} up");
        }
    }

    /// <summary>Makes the next requests of a Kafka API fail with the given Kafka error codes, one per request, in order.</summary>
    /// <param name="apiKey">The Kafka protocol API key (for example 0 for Produce, 26 for EndTxn).</param>
    /// <param name="errorCodes">Kafka protocol error codes (the values of <c>Confluent.Kafka.ErrorCode</c> for broker errors).</param>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void PushRequestErrors(short apiKey, params int[] errorCodes)
    {
        ArgumentNullException.ThrowIfNull(errorCodes);
        lock (_gate)
        {
            ThrowIfDisposed();
            fixed (int* errors = errorCodes)
            {
                LibrdkafkaNative.Functions.MockPushRequestErrorsArray(_cluster, apiKey, (nuint)errorCodes.Length, errors);
            }
        }
    }

    /// <summary>Removes the errors pushed for a Kafka API by <see cref="PushRequestErrors"/> that no request consumed yet.</summary>
    /// <param name="apiKey">The Kafka protocol API key.</param>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void ClearRequestErrors(short apiKey)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            LibrdkafkaNative.Functions.MockClearRequestErrors(_cluster, apiKey);
        }
    }

    /// <summary>
    /// Session timeout of groups using the consumer protocol (KIP-848, <c>group.protocol=consumer</c>), where the broker
    /// owns it (<c>group.consumer.session.timeout.ms</c>). Classic-protocol groups keep using their clients' setting.
    /// </summary>
    /// <param name="timeout">The timeout, from 1 ms to <see cref="int.MaxValue"/> ms.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void SetConsumerGroupSessionTimeout(TimeSpan timeout)
    {
        var milliseconds = Milliseconds(timeout, nameof(timeout));
        lock (_gate)
        {
            ThrowIfDisposed();
            LibrdkafkaNative.Functions.MockSetGroupConsumerSessionTimeoutMs(_cluster, milliseconds);
        }
    }

    /// <summary>Heartbeat interval the broker gives consumer-protocol (KIP-848) members (<c>group.consumer.heartbeat.interval.ms</c>).</summary>
    /// <param name="interval">The interval, from 1 ms to <see cref="int.MaxValue"/> ms.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The cluster was disposed.</exception>
    public void SetConsumerGroupHeartbeatInterval(TimeSpan interval)
    {
        var milliseconds = Milliseconds(interval, nameof(interval));
        lock (_gate)
        {
            ThrowIfDisposed();
            LibrdkafkaNative.Functions.MockSetGroupConsumerHeartbeatIntervalMs(_cluster, milliseconds);
        }
    }

    private static int Milliseconds(TimeSpan value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(1), name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromMilliseconds(int.MaxValue), name);
        return (int)value.TotalMilliseconds;
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"Embedded Kafka could not {what}: {LibrdkafkaNative.ErrorName(error)}");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_handle == 0, this);

    /// <summary>Whether <paramref name="bootstrapServers"/> is an embedded cluster running in this process.</summary>
    internal static bool IsRunningAt(string? bootstrapServers)
        => bootstrapServers is not null && s_running.ContainsKey(bootstrapServers.Trim());

    /// <summary>Stops the cluster and frees its memory; everything written to it is lost. Safe to call more than once.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_handle != 0)
            {
                LibrdkafkaNative.Functions.Destroy(_handle);
                _handle = 0;
                s_running.TryRemove(BootstrapServers, out _);
            }
        }
    }
}
