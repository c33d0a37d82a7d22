using System.Runtime.InteropServices;
using System.Text;

namespace Carillon.Embedded;

/// <summary>
/// Calls into the very librdkafka copy Confluent.Kafka loaded. Two copies in one process would mean the mock
/// cluster lives in one and the clients in the other, so the library is located after Confluent.Kafka loaded it.
/// </summary>
internal static unsafe class LibrdkafkaNative
{
    private static readonly Lazy<Api> s_api = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    internal static Api Functions => s_api.Value;

    internal const int ProducerType = 0;

    internal sealed class Api
    {
        public required string LibraryPath { get; init; }
        public required delegate* unmanaged<nint> ConfNew { get; init; }
        public required delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int> ConfSet { get; init; }
        public required delegate* unmanaged<int, nint, byte*, nuint, nint> New { get; init; }
        public required delegate* unmanaged<nint, void> Destroy { get; init; }
        public required delegate* unmanaged<nint, nint> HandleMockCluster { get; init; }
        public required delegate* unmanaged<nint, byte*> MockClusterBootstraps { get; init; }
        public required delegate* unmanaged<nint, byte*, int, int, int> MockTopicCreate { get; init; }
        public required delegate* unmanaged<nint, int, int> MockBrokerSetDown { get; init; }
        public required delegate* unmanaged<nint, int, int> MockBrokerSetUp { get; init; }
        public required delegate* unmanaged<nint, short, nuint, int*, void> MockPushRequestErrorsArray { get; init; }
        public required delegate* unmanaged<nint, short, void> MockClearRequestErrors { get; init; }
        public required delegate* unmanaged<int, byte*> ErrorToString { get; init; }
        public required delegate* unmanaged<nint, int, void> MockSetGroupConsumerSessionTimeoutMs { get; init; }
        public required delegate* unmanaged<nint, int, void> MockSetGroupConsumerHeartbeatIntervalMs { get; init; }
        public required delegate* unmanaged<nint, delegate* unmanaged<nint, int, byte*, byte*, void>, void> ConfSetLogCb { get; init; }
    }

    private static Api Load()
    {
        // Forces Confluent.Kafka to pick and load its native library first.
        _ = Confluent.Kafka.Library.Version;

        var path = FindLoadedLibrary()
            ?? throw new InvalidOperationException("Could not locate the librdkafka library Confluent.Kafka loaded.");
        var handle = NativeLibrary.Load(path);
        nint Export(string name) => NativeLibrary.GetExport(handle, name);

        return new Api
        {
            LibraryPath = path,
            ConfNew = (delegate* unmanaged<nint>)Export("rd_kafka_conf_new"),
            ConfSet = (delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int>)Export("rd_kafka_conf_set"),
            New = (delegate* unmanaged<int, nint, byte*, nuint, nint>)Export("rd_kafka_new"),
            Destroy = (delegate* unmanaged<nint, void>)Export("rd_kafka_destroy"),
            HandleMockCluster = (delegate* unmanaged<nint, nint>)Export("rd_kafka_handle_mock_cluster"),
            MockClusterBootstraps = (delegate* unmanaged<nint, byte*>)Export("rd_kafka_mock_cluster_bootstraps"),
            MockTopicCreate = (delegate* unmanaged<nint, byte*, int, int, int>)Export("rd_kafka_mock_topic_create"),
            MockBrokerSetDown = (delegate* unmanaged<nint, int, int>)Export("rd_kafka_mock_broker_set_down"),
            MockBrokerSetUp = (delegate* unmanaged<nint, int, int>)Export("rd_kafka_mock_broker_set_up"),
            MockPushRequestErrorsArray = (delegate* unmanaged<nint, short, nuint, int*, void>)Export("rd_kafka_mock_push_request_errors_array"),
            MockClearRequestErrors = (delegate* unmanaged<nint, short, void>)Export("rd_kafka_mock_clear_request_errors"),
            ErrorToString = (delegate* unmanaged<int, byte*>)Export("rd_kafka_err2str"),

            // KIP-848 (group.protocol=consumer): the broker, not the client, owns session timeout and heartbeat interval.
            MockSetGroupConsumerSessionTimeoutMs = (delegate* unmanaged<nint, int, void>)Export("rd_kafka_mock_set_group_consumer_session_timeout_ms"),
            MockSetGroupConsumerHeartbeatIntervalMs = (delegate* unmanaged<nint, int, void>)Export("rd_kafka_mock_set_group_consumer_heartbeat_interval_ms"),
            ConfSetLogCb = (delegate* unmanaged<nint, delegate* unmanaged<nint, int, byte*, byte*, void>, void>)Export("rd_kafka_conf_set_log_cb"),
        };
    }

    /// <summary>
    /// On Linux the loaded copy is read from the process's memory map; elsewhere the first candidate that the
    /// runtime can load by Confluent.Kafka's own probing order is used.
    /// </summary>
    private static string? FindLoadedLibrary()
    {
        if (OperatingSystem.IsLinux() && File.Exists("/proc/self/maps"))
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/');
                if (slash < 0)
                {
                    continue;
                }

                var file = line[slash..];
                if (Path.GetFileName(file).EndsWith("librdkafka.so", StringComparison.Ordinal) ||
                    Path.GetFileName(file).Contains("librdkafka.so.", StringComparison.Ordinal))
                {
                    return file;
                }
            }
        }

        var baseDir = AppContext.BaseDirectory;
        var rid = RuntimeInformation.RuntimeIdentifier;
        string[] names = OperatingSystem.IsWindows() ? ["librdkafka.dll"]
            : OperatingSystem.IsMacOS() ? ["librdkafka.dylib"]
            : ["librdkafka.so", "centos8-librdkafka.so", "centos7-librdkafka.so", "alpine-librdkafka.so"];
        foreach (var name in names)
        {
            foreach (var candidate in new[] { Path.Combine(baseDir, "runtimes", rid, "native", name), Path.Combine(baseDir, name) })
            {
                if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out _))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    internal static string ErrorName(int error) => Marshal.PtrToStringUTF8((nint)Functions.ErrorToString(error)) ?? error.ToString();

    internal static byte[] Utf8(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, 0, value.Length, bytes, 0);
        return bytes;
    }
}
