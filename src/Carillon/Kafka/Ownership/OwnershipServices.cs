using Carillon.Hosting.Liveness;
using Microsoft.Extensions.Options;

namespace Carillon.Kafka.Ownership;

/// <summary>What every <see cref="PartitionOwnershipService"/> is built from (one registration, issue 11).</summary>
internal sealed record OwnershipServices(
    KafkaClientFactory Clients,
    IOptions<CarillonOptions> Options,
    TopicProvisioner Provisioner,
    TimeProvider Time,
    LoopMonitor Monitor);
