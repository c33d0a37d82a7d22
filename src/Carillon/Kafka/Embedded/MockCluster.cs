using System.Runtime.InteropServices;

namespace Carillon.Kafka.Embedded;

/// <summary>
/// librdkafka's built-in mock cluster: real Kafka protocol on loopback TCP, in memory, nothing persisted.
/// For development and tests only.
/// </summary>
internal sealed unsafe class MockCluster : IDisposable
{
    private readonly object _gate = new();
    private nint _handle;
    private readonly nint _cluster;

    private MockCluster(nint handle, nint cluster, string bootstrapServers, int brokers)
    {
        _handle = handle;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
        BrokerCount = brokers;
    }

    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    public static MockCluster Start(int brokers = 1, int defaultPartitions = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var api = LibrdkafkaNative.Functions;
        var conf = api.ConfNew();
        Set(conf, "test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set(conf, "log_level", "3");

        var errstr = stackalloc byte[512];
        var handle = api.New(LibrdkafkaNative.ProducerType, conf, errstr, 512);
        if (handle == 0)
        {
            throw new InvalidOperationException("Could not start the embedded Kafka cluster: " + Marshal.PtrToStringUTF8((nint)errstr));
        }

        var cluster = api.HandleMockCluster(handle);
        var bootstraps = Marshal.PtrToStringUTF8((nint)api.MockClusterBootstraps(cluster))!;
        return new MockCluster(handle, cluster, bootstraps, brokers);
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

    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            fixed (byte* t = LibrdkafkaNative.Utf8(topic))
            {
                Check(LibrdkafkaNative.Functions.MockTopicCreate(_cluster, t, partitions, Math.Min(replicationFactor, BrokerCount)), $"create topic {topic}");
            }
        }
    }

    public void SetBrokerDown(int brokerId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            Check(LibrdkafkaNative.Functions.MockBrokerSetDown(_cluster, brokerId), $"set broker {brokerId} down");
        }
    }

    public void SetBrokerUp(int brokerId)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            Check(LibrdkafkaNative.Functions.MockBrokerSetUp(_cluster, brokerId), $"set broker {brokerId} up");
        }
    }

    /// <summary>The next requests of <paramref name="apiKey"/> fail with these Kafka error codes, one each.</summary>
    public void PushRequestErrors(short apiKey, params int[] errorCodes)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            fixed (int* errors = errorCodes)
            {
                LibrdkafkaNative.Functions.MockPushRequestErrorsArray(_cluster, apiKey, (nuint)errorCodes.Length, errors);
            }
        }
    }

    public void ClearRequestErrors(short apiKey)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            LibrdkafkaNative.Functions.MockClearRequestErrors(_cluster, apiKey);
        }
    }

    /// <summary>Broker-side session timeout of consumer-protocol (KIP-848) groups; classic groups are unaffected.</summary>
    public void SetConsumerGroupSessionTimeout(TimeSpan timeout)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            LibrdkafkaNative.Functions.MockSetGroupConsumerSessionTimeoutMs(_cluster, Milliseconds(timeout, nameof(timeout)));
        }
    }

    /// <summary>Heartbeat interval the broker tells consumer-protocol (KIP-848) members to use.</summary>
    public void SetConsumerGroupHeartbeatInterval(TimeSpan interval)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            LibrdkafkaNative.Functions.MockSetGroupConsumerHeartbeatIntervalMs(_cluster, Milliseconds(interval, nameof(interval)));
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

    public void Dispose()
    {
        lock (_gate)
        {
            if (_handle != 0)
            {
                LibrdkafkaNative.Functions.Destroy(_handle);
                _handle = 0;
            }
        }
    }
}
